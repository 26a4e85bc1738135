package io.multitier.jcache.configuration;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.cache.CacheException;
import org.jspecify.annotations.Nullable;

/**
 * Checks the names in a configuration file before its values are read, so that a misspelt
 * setting is reported as such, with the known setting it is closest to, rather than as the
 * complaint of whatever setting it left out.
 */
final class SettingNames {

  private static final List<String> TOP_LEVEL = List.of("redis", "defaults", "caches");
  private static final List<String> REDIS = names(RedisSettings.class);
  private static final List<String> CACHE = names(CacheSettings.class);
  private static final List<String> EXPIRY = names(CacheSettings.ExpirySettings.class);
  private static final List<String> EVENT_STREAM = names(CacheSettings.EventStreamSettings.class);
  private static final List<String> TIER = names(CacheSettings.TierSettings.class);

  private SettingNames() {}

  /** Throws a {@link CacheException} naming the file, the place and the first unknown setting in the file's tree. */
  static void check(JsonNode file, String source) {
    known(file, TOP_LEVEL, "", source, "");
    known(file.get("redis"), REDIS, "redis.", source, "");
    cache(file.get("defaults"), source, ", defaults");
    JsonNode caches = file.get("caches");
    if (caches != null && caches.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = caches.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> cache = it.next();
        cache(cache.getValue(), source, ", cache '" + cache.getKey() + "'");
      }
    }
  }

  private static void cache(@Nullable JsonNode settings, String source, String where) {
    if (settings == null || !settings.isObject()) {
      return;
    }
    known(settings, CACHE, "", source, where);
    known(settings.get("expiry"), EXPIRY, "expiry.", source, where);
    known(settings.get("eventStream"), EVENT_STREAM, "eventStream.", source, where);
    JsonNode tiers = settings.get("tiers");
    if (tiers != null && tiers.isArray()) {
      for (JsonNode tier : tiers) {
        known(tier, TIER, "tiers[].", source, where);
      }
    }
  }

  private static void known(@Nullable JsonNode node, List<String> names, String prefix, String source, String where) {
    if (node == null || !node.isObject()) {
      return;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!names.contains(name)) {
        String closest = closest(name, names);
        throw new CacheException("Invalid configuration in " + source + where + ": unknown setting '"
            + prefix + name + "'" + ((closest == null) ? "" : " (did you mean '" + prefix + closest + "'?)")
            + "; the settings there are " + String.join(", ", names));
      }
    }
  }

  /** Returns the known name that a slip of the keyboard could have turned into {@code name}, or {@code null}. */
  static @Nullable String closest(String name, List<String> names) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String lower = name.toLowerCase(Locale.ROOT);
    for (String candidate : names) {
      int distance = distance(lower, candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return (bestDistance <= Math.max(2, name.length() / 4)) ? best : null;
  }

  /** Returns the Levenshtein distance between the two strings. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static List<String> names(Class<? extends Record> type) {
    List<String> names = new ArrayList<>();
    for (RecordComponent component : type.getRecordComponents()) {
      JsonProperty property = component.getAnnotation(JsonProperty.class);
      names.add((property == null) ? component.getName() : property.value());
    }
    return List.copyOf(names);
  }
}
