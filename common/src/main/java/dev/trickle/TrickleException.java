package dev.trickle;

/**
 * An expected failure with the exit code it maps to. Messages follow the shape
 * "Cannot &lt;do what&gt;: &lt;why&gt;. &lt;fix&gt;" and never contain secrets.
 */
public class TrickleException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ExitCode exitCode;

  public TrickleException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public TrickleException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }

  /** Bad config or input, detected before anything was written: exit 2. */
  public static TrickleException badInput(String message) {
    return new TrickleException(ExitCode.BAD_INPUT, message);
  }

  /** A run that started and failed, leaving state resumable: exit 3. */
  public static TrickleException runFailed(String message, Throwable cause) {
    return new TrickleException(ExitCode.RUN_FAILED, message, cause);
  }
}
