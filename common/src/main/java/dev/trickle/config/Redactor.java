package dev.trickle.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Removes secret values from any text before it is printed, logged or written to a ledger:
 * exception messages from drivers may echo what they were given.
 */
public final class Redactor {
  private final List<String> secrets;

  private Redactor(List<String> secrets) {
    this.secrets = List.copyOf(secrets);
  }

  public static Redactor none() {
    return new Redactor(List.of());
  }

  public static Redactor of(TrickleConfig config) {
    List<String> secrets = new ArrayList<>();
    config.maskSalt().map(Secret::reveal).ifPresent(secrets::add);
    for (SourceConfig source : config.sources().values()) {
      source.password().map(Secret::reveal).ifPresent(secrets::add);
      source.properties().forEach((k, v) -> {
        if (ConfigRenderer.isSecretKey(k)) {
          secrets.add(v);
        }
      });
    }
    config.spark().conf().forEach((k, v) -> {
      if (ConfigRenderer.isSecretKey(k)) {
        secrets.add(v);
      }
    });
    // Longest first, so a secret containing another is masked whole.
    secrets.removeIf(s -> s.length() < 3);
    secrets.sort((a, b) -> b.length() - a.length());
    return new Redactor(secrets);
  }

  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = ConfigRenderer.maskUrl(text);
    for (String secret : secrets) {
      out = out.replace(secret, Secret.MASK);
    }
    return out;
  }
}
