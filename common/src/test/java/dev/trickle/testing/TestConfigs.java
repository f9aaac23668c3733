package dev.trickle.testing;

import com.typesafe.config.ConfigFactory;
import dev.trickle.config.ConfigLoader;
import dev.trickle.config.TrickleConfig;
import java.util.Map;

/** Pipeline configs from HOCON text, validated as the CLI would. */
public final class TestConfigs {
  private TestConfigs() {}

  public static TrickleConfig parse(String hocon) {
    return parse(hocon, Map.of());
  }

  public static TrickleConfig parse(String hocon, Map<String, String> env) {
    return ConfigLoader.fromConfig("test.conf", ConfigLoader.combine(ConfigFactory.parseString(hocon), Map.of(), env));
  }
}
