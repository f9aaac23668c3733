package dev.trickle.config;

/** One thing wrong with a pipeline config: the key path it is at and what to do about it. */
public record ConfigProblem(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
