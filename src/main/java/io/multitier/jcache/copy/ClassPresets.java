package io.multitier.jcache.copy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Named sets of classes for {@code allowedClasses}: {@code hibernate} is what Hibernate ORM 6 and
 * 7 store in a second-level cache region (entity and collection entries, the read-write locks
 * around them, query results, and the keys of all of these), class by class rather than all of
 * {@code org.hibernate}, whose other classes include known deserialization gadgets.
 */
public final class ClassPresets {

  private static final Map<String, List<String>> PRESETS = Map.of("hibernate", List.of(
      "org.hibernate.cache.spi.support.AbstractReadWriteAccess$Item",
      "org.hibernate.cache.spi.support.AbstractReadWriteAccess$SoftLockImpl",
      "org.hibernate.cache.spi.entry.StandardCacheEntryImpl",
      "org.hibernate.cache.spi.entry.CollectionCacheEntry",
      "org.hibernate.cache.internal.QueryResultsCacheImpl$CacheItem",
      "org.hibernate.cache.internal.BasicCacheKeyImplementation",
      "org.hibernate.cache.internal.CacheKeyImplementation",
      "org.hibernate.cache.internal.NaturalIdCacheKey",
      "org.hibernate.cache.spi.QueryKey",
      "org.hibernate.query.internal.QueryParameterBindingsImpl$ParameterBindingsMementoImpl",
      // the markers an entity's state holds for a lazy attribute not fetched and an unknown back reference
      "org.hibernate.bytecode.enhance.spi.LazyPropertyInitializer$1",
      "org.hibernate.property.access.internal.PropertyAccessStrategyBackRefImpl$1",
      // the JDBC temporal types, kept as they are in an entity's state
      "java.sql.Timestamp",
      "java.sql.Date",
      "java.sql.Time"));

  private ClassPresets() {}

  /** Returns the names of the presets. */
  public static List<String> names() {
    return List.copyOf(PRESETS.keySet());
  }

  /** Returns the classes of a preset, or an empty list if no preset has this name. */
  public static List<String> of(String name) {
    return PRESETS.getOrDefault(name, List.of());
  }

  /** Returns the patterns with each preset name replaced by its classes. */
  public static List<String> expand(List<String> patterns) {
    List<String> expanded = new ArrayList<>();
    for (String pattern : patterns) {
      List<String> preset = PRESETS.get(pattern.strip());
      if (preset == null) {
        expanded.add(pattern);
      } else {
        expanded.addAll(preset);
      }
    }
    return expanded;
  }

  /** Returns whether a pattern is a lower-case word, which no class is named, that names no preset: a slip such as {@code hibernat}. */
  public static boolean isUnknownPreset(String pattern) {
    String word = pattern.strip();
    return !PRESETS.containsKey(word) && !word.isEmpty() && word.chars().allMatch(Character::isLowerCase);
  }
}
