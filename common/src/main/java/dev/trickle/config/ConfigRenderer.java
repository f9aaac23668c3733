package dev.trickle.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Prints a config with every secret masked, and hashes it for the runs ledger. */
public final class ConfigRenderer {
  private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|passwd|secret|token|salt|credential|access[._-]?key).*");
  private static final Pattern URL_PASSWORD = Pattern.compile("(?i)((?:password|pwd)=)[^&;]*");
  private static final Pattern URL_USERINFO = Pattern.compile("(//[^/:@]+:)[^@/]*@");

  private ConfigRenderer() {}

  /** The effective config as sorted HOCON, secrets replaced by ****. */
  public static String render(TrickleConfig config) {
    ConfigValue masked = mask(config.raw().root(), "");
    return ((ConfigObject) masked).toConfig()
        .root()
        .render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false).setFormatted(true));
  }

  /** A stable fingerprint of the effective config (secrets masked first, so they never leave). */
  public static String hash(TrickleConfig config) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(render(config).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Masks passwords inside a JDBC URL ({@code password=...}, {@code user:pass@}). */
  public static String maskUrl(String url) {
    String out = URL_PASSWORD.matcher(url).replaceAll("$1" + Secret.MASK);
    return URL_USERINFO.matcher(out).replaceAll("$1" + Secret.MASK + "@");
  }

  static boolean isSecretKey(String key) {
    return SECRET_KEY.matcher(key).matches();
  }

  private static ConfigValue mask(ConfigValue value, String key) {
    if (value instanceof ConfigObject object) {
      Map<String, Object> out = new TreeMap<>();
      for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
        out.put(e.getKey(), mask(e.getValue(), e.getKey()));
      }
      return ConfigValueFactory.fromMap(out);
    }
    if (value instanceof ConfigList list) {
      List<Object> out = new ArrayList<>();
      for (ConfigValue v : list) {
        out.add(mask(v, key));
      }
      return ConfigValueFactory.fromIterable(out);
    }
    Object raw = value.unwrapped();
    if (raw == null) {
      return value;
    }
    if (isSecretKey(key)) {
      return ConfigValueFactory.fromAnyRef(Secret.MASK);
    }
    if (raw instanceof String s && s.startsWith("jdbc:")) {
      return ConfigValueFactory.fromAnyRef(maskUrl(s));
    }
    return value;
  }
}
