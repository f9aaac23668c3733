package dev.trickle.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads typed values from one HOCON object and records a {@link ConfigProblem} for each value
 * that is missing, of the wrong type or out of range, instead of stopping at the first. Readers
 * return a harmless placeholder after a problem so validation can go on.
 */
final class ConfigReader {
  private final Config config;
  private final String prefix;
  private final List<ConfigProblem> problems;

  ConfigReader(Config config, String prefix, List<ConfigProblem> problems) {
    this.config = config;
    this.prefix = prefix;
    this.problems = problems;
  }

  ConfigReader at(String key) {
    Config child = config.hasPath(key) ? config.getConfig(key) : com.typesafe.config.ConfigFactory.empty();
    return new ConfigReader(child, path(key), problems);
  }

  String path(String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  void problem(String key, String message) {
    problems.add(new ConfigProblem(path(key), message));
  }

  boolean has(String key) {
    return config.hasPath(key);
  }

  Optional<String> optionalString(String key) {
    if (!config.hasPath(key)) {
      return Optional.empty();
    }
    ConfigValue value = config.getValue(key);
    if (value.valueType() == ConfigValueType.OBJECT || value.valueType() == ConfigValueType.LIST) {
      problem(key, "expected a string, found " + describe(value) + ". Write a single value.");
      return Optional.empty();
    }
    String text = String.valueOf(value.unwrapped());
    return text.isBlank() ? Optional.empty() : Optional.of(text);
  }

  String requiredString(String key, String fix) {
    Optional<String> value = optionalString(key);
    if (value.isEmpty() && config.hasPath(key) == false) {
      problem(key, "is required. " + fix);
    } else if (value.isEmpty()) {
      problem(key, "must not be empty. " + fix);
    }
    return value.orElse("");
  }

  Optional<String> optionalIdentifier(String key) {
    Optional<String> value = optionalString(key);
    value.filter(v -> !Identifiers.isPlain(v))
        .ifPresent(v -> problem(key, "'" + v + "' is not a plain identifier. Use letters, digits and _ only."));
    return value.filter(Identifiers::isPlain);
  }

  boolean bool(String key) {
    try {
      return config.getBoolean(key);
    } catch (ConfigException.Missing e) {
      problem(key, "is required. Set it to true or false.");
    } catch (ConfigException.WrongType e) {
      problem(key, "expected true or false, found " + describe(config.getValue(key)) + ".");
    }
    return false;
  }

  long longAtLeast(String key, long min) {
    try {
      long value = config.getLong(key);
      if (value < min) {
        problem(key, "must be at least " + min + ", found " + value + ".");
      }
      return value;
    } catch (ConfigException.Missing e) {
      problem(key, "is required. Set a whole number of at least " + min + ".");
    } catch (ConfigException.WrongType e) {
      problem(key, "expected a whole number, found " + describe(config.getValue(key)) + ".");
    }
    return min;
  }

  int intAtLeast(String key, int min) {
    long value = longAtLeast(key, min);
    if (value > Integer.MAX_VALUE) {
      problem(key, "must be at most " + Integer.MAX_VALUE + ", found " + value + ".");
      return min;
    }
    return (int) value;
  }

  double doubleAtLeast(String key, double min) {
    try {
      double value = config.getDouble(key);
      if (value < min || Double.isNaN(value)) {
        problem(key, "must be at least " + min + ", found " + value + ".");
      }
      return value;
    } catch (ConfigException.Missing e) {
      problem(key, "is required. Set a number of at least " + min + ".");
    } catch (ConfigException.WrongType e) {
      problem(key, "expected a number, found " + describe(config.getValue(key)) + ".");
    }
    return min;
  }

  long bytes(String key) {
    try {
      long value = config.getBytes(key);
      if (value <= 0) {
        problem(key, "must be positive, found " + value + ".");
      }
      return value;
    } catch (ConfigException.Missing e) {
      problem(key, "is required. Set a size such as 512m.");
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      problem(key, "'" + config.getValue(key).unwrapped() + "' is not a size. Use a number with a unit, such as 512m or 2g.");
    }
    return 1;
  }

  Duration duration(String key) {
    try {
      Duration value = config.getDuration(key);
      if (value.isNegative()) {
        problem(key, "must not be negative, found " + value + ".");
      }
      return value;
    } catch (ConfigException.Missing e) {
      problem(key, "is required. Set a duration such as 15m or 30s.");
    } catch (ConfigException.BadValue | ConfigException.WrongType e) {
      problem(key, "'" + config.getValue(key).unwrapped() + "' is not a duration. Use a number with a unit, such as 15m, 30s or 2h.");
    }
    return Duration.ZERO;
  }

  /** A positive int, or the word {@code auto} (empty). */
  OptionalInt intOrAuto(String key) {
    if (!config.hasPath(key)) {
      return OptionalInt.empty();
    }
    ConfigValue value = config.getValue(key);
    if (value.valueType() == ConfigValueType.STRING && "auto".equals(value.unwrapped())) {
      return OptionalInt.empty();
    }
    if (value.valueType() == ConfigValueType.NUMBER || value.valueType() == ConfigValueType.STRING) {
      try {
        int n = Integer.parseInt(String.valueOf(value.unwrapped()));
        if (n >= 1) {
          return OptionalInt.of(n);
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
    }
    problem(key, "expected auto or a whole number of at least 1, found " + describe(value) + ".");
    return OptionalInt.empty();
  }

  <E extends Enum<E>> E enumValue(String key, Class<E> type) {
    E[] constants = type.getEnumConstants();
    Optional<String> text = optionalString(key);
    if (text.isEmpty()) {
      problem(key, "is required. Use one of " + choices(constants) + ".");
      return constants[0];
    }
    String wanted = text.get().trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E constant : constants) {
      if (constant.name().equals(wanted)) {
        return constant;
      }
    }
    problem(key, "'" + text.get() + "' is not one of " + choices(constants) + ".");
    return constants[0];
  }

  static String choices(Enum<?>[] constants) {
    List<String> names = new ArrayList<>();
    for (Enum<?> c : constants) {
      names.add(c.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    return String.join(", ", names);
  }

  List<String> stringList(String key) {
    if (!config.hasPath(key)) {
      return List.of();
    }
    try {
      return List.copyOf(config.getStringList(key));
    } catch (ConfigException.WrongType e) {
      problem(key, "expected a list of strings such as [a, b], found " + describe(config.getValue(key)) + ".");
      return List.of();
    }
  }

  List<String> identifierList(String key) {
    List<String> values = stringList(key);
    for (String v : values) {
      if (!Identifiers.isPlain(v)) {
        problem(key, "'" + v + "' is not a plain identifier. Use letters, digits and _ only.");
      }
    }
    return values.stream().filter(Identifiers::isPlain).toList();
  }

  /** A free-form object of string values (rename, cast, properties). Keys keep their dots when quoted. */
  Map<String, String> stringMap(String key) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!config.hasPath(key)) {
      return out;
    }
    ConfigValue value = config.getValue(key);
    if (!(value instanceof ConfigObject object)) {
      problem(key, "expected an object such as { a = b }, found " + describe(value) + ".");
      return out;
    }
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      ConfigValueType type = e.getValue().valueType();
      if (type == ConfigValueType.OBJECT || type == ConfigValueType.LIST || type == ConfigValueType.NULL) {
        problems.add(new ConfigProblem(path(key) + "." + e.getKey(),
            "expected a single value, found " + describe(e.getValue()) + "."));
      } else {
        out.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
      }
    }
    return out;
  }

  <T> Map<String, T> objectMap(String key, Function<String, T> readEntry) {
    Map<String, T> out = new LinkedHashMap<>();
    if (!config.hasPath(key)) {
      return out;
    }
    ConfigValue value = config.getValue(key);
    if (!(value instanceof ConfigObject object)) {
      problem(key, "expected an object, found " + describe(value) + ".");
      return out;
    }
    for (String name : new TreeSet<>(object.keySet())) {
      out.put(name, readEntry.apply(name));
    }
    return out;
  }

  /**
   * Records a problem for every key below this reader that the template does not declare, naming
   * the closest known key. Objects under {@code freeForm} paths (relative) hold user-chosen keys.
   */
  void rejectUnknownKeys(ConfigObject template, Set<String> freeForm) {
    rejectUnknown(config.root(), template, "", freeForm);
  }

  private void rejectUnknown(ConfigObject actual, ConfigObject template, String relative, Set<String> freeForm) {
    for (Map.Entry<String, ConfigValue> e : actual.entrySet()) {
      String key = e.getKey();
      String rel = relative.isEmpty() ? key : relative + "." + key;
      if (!template.containsKey(key)) {
        problems.add(new ConfigProblem(path(rel), "unknown key" + suggestion(key, template.keySet())
            + ". Remove it, or check the README's config reference."));
        continue;
      }
      ConfigValue known = template.get(key);
      if (!freeForm.contains(rel) && e.getValue() instanceof ConfigObject child && known instanceof ConfigObject knownChild) {
        rejectUnknown(child, knownChild, rel, freeForm);
      }
    }
  }

  static String suggestion(String key, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = distance(key, candidate);
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    if (best != null && bestDistance <= Math.max(2, key.length() / 3)) {
      return " (did you mean '" + best + "'?)";
    }
    return known.isEmpty() ? "" : " (known keys here: " + String.join(", ", new TreeSet<>(known)) + ")";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String describe(ConfigValue value) {
    return switch (value.valueType()) {
      case OBJECT -> "an object";
      case LIST -> "a list";
      case NULL -> "null";
      default -> "'" + value.unwrapped() + "'";
    };
  }
}
