package io.multitier.jcache.copy;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The classes that may be read back from a shared tier: the JDK's value and collection types
 * ({@link JavaSerializer#JDK_VALUE_TYPES}) and the patterns of {@code allowedClasses}, presets
 * expanded. Every codec asks this one list, by class name, before it loads a class.
 */
public final class AllowList {

  private final List<String> patterns;
  private final ClassValue<Boolean> allowedTypes = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      return checkType(type);
    }
  };

  private final List<Matcher> matchers = new ArrayList<>();

  private AllowList(List<String> patterns) {
    this.patterns = patterns;
    for (String pattern : patterns) {
      matchers.add(Matcher.of(pattern));
    }
  }

  /** Returns the list of the JDK's value types and the patterns (class names, {@code pkg.*}, {@code pkg.**}, {@code prefix*}, presets). */
  public static AllowList of(List<String> patterns) {
    List<String> all = new ArrayList<>(JavaSerializer.JDK_VALUE_TYPES);
    for (String pattern : ClassPresets.expand(requireNonNull(patterns, "patterns"))) {
      if (pattern.isBlank() || pattern.contains(";") || pattern.startsWith("!")) {
        throw new IllegalArgumentException("Not a class-name pattern: '" + pattern + "'");
      }
      all.add(pattern.strip());
    }
    return new AllowList(List.copyOf(all));
  }

  /** Returns the patterns, the JDK's value types first, in the syntax of {@link java.io.ObjectInputFilter}. */
  List<String> patterns() {
    return patterns;
  }

  /** Returns whether a class of this binary name may be read, judged by its name alone (an array by its element type). */
  public boolean allowsName(String className) {
    requireNonNull(className, "className");
    String name = className;
    if (name.startsWith("[")) {
      name = name.replaceFirst("^\\[+", "");
      if (name.length() == 1) {
        return true;
      }
      if (!name.startsWith("L") || !name.endsWith(";")) {
        return false;
      }
      name = name.substring(1, name.length() - 1);
    }
    for (Matcher matcher : matchers) {
      if (matcher.matches(name)) {
        return true;
      }
    }
    return false;
  }

  /** Returns whether the class, and each of its superclasses but {@code Object}, may be read (an array: its element type). */
  public boolean allows(Class<?> type) {
    return allowedTypes.get(requireNonNull(type, "type"));
  }

  private boolean checkType(Class<?> type) {
    Class<?> element = type;
    while (element.isArray()) {
      element = element.getComponentType();
    }
    if (element.isPrimitive()) {
      return true;
    }
    for (Class<?> c = element; c != null && c != Object.class; c = c.getSuperclass()) {
      if (!allowsName(c.getName())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns the class (or, for an array, its element class) whose name the allow-list refuses first
   * in its hierarchy, or {@code null} if it refuses none.
   */
  public @Nullable String firstRefused(Class<?> type) {
    Class<?> element = type;
    while (element.isArray()) {
      element = element.getComponentType();
    }
    for (Class<?> c = element; c != null && c != Object.class; c = c.getSuperclass()) {
      if (!allowsName(c.getName())) {
        return c.getName();
      }
    }
    return null;
  }

  /** One pattern, matched as {@link java.io.ObjectInputFilter} does: exact, {@code pkg.*}, {@code pkg.**}, or {@code prefix*}. */
  private record Matcher(String text, char kind) {

    static Matcher of(String pattern) {
      if (pattern.endsWith(".**")) {
        return new Matcher(pattern.substring(0, pattern.length() - 2), '+');
      } else if (pattern.endsWith(".*")) {
        return new Matcher(pattern.substring(0, pattern.length() - 1), '.');
      } else if (pattern.endsWith("*")) {
        return new Matcher(pattern.substring(0, pattern.length() - 1), '*');
      }
      return new Matcher(pattern, '=');
    }

    boolean matches(String name) {
      switch (kind) {
        case '=': return name.equals(text);
        case '.': return name.startsWith(text) && name.indexOf('.', text.length()) < 0;
        default: return name.startsWith(text);
      }
    }
  }

  /** Returns the error of a class the allow-list refused: the class, the cache if known, and the setting that would allow it. */
  static SerializationException refusal(String refused, @Nullable String cacheName, @Nullable Throwable cause) {
    String cache = (cacheName == null) ? "" : " read from the shared tier of cache '" + cacheName + "'";
    String type = refused.replaceFirst("^\\[+L?", "").replaceFirst(";$", "");
    int dot = type.lastIndexOf('.');
    String advice = "add \"" + type + "\"" + ((dot < 0) ? "" : " (or \"" + type.substring(0, dot) + ".**\" for its package)")
        + " to allowedClasses";
    return new SerializationException("Refused to deserialize " + type + cache
        + ": it is not on the allow-list of classes that may be read back from Redis; " + advice, cause, type);
  }
}
