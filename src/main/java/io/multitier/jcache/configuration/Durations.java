package io.multitier.jcache.configuration;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Reads the durations of the configuration file: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, {@code eternal}. */
final class Durations {

  private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private Durations() {}

  /** Returns the duration the text names, or {@code null} for {@code eternal}. */
  static @Nullable Duration parse(String text, String setting) {
    String trimmed = text.strip().toLowerCase(Locale.ROOT);
    if (trimmed.equals("eternal")) {
      return null;
    }
    Matcher matcher = FORMAT.matcher(trimmed);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(setting + ": '" + text
          + "' is not a duration; write it as 500ms, 30s, 10m, 2h, 1d or eternal");
    }
    long amount = Long.parseLong(matcher.group(1));
    switch (matcher.group(2)) {
      case "ms": return Duration.ofMillis(amount);
      case "s": return Duration.ofSeconds(amount);
      case "m": return Duration.ofMinutes(amount);
      case "h": return Duration.ofHours(amount);
      default: return Duration.ofDays(amount);
    }
  }

  /** Returns the duration the text names; throws {@link IllegalArgumentException} for {@code eternal}. */
  static Duration finite(String text, String setting) {
    Duration duration = parse(text, setting);
    if (duration == null) {
      throw new IllegalArgumentException(setting + " cannot be eternal");
    }
    return duration;
  }

  /** Converts to the JCache duration type, {@code null} (eternal) to {@link javax.cache.expiry.Duration#ETERNAL}. */
  static javax.cache.expiry.Duration toJCache(@Nullable Duration duration) {
    return (duration == null) ? javax.cache.expiry.Duration.ETERNAL
        : new javax.cache.expiry.Duration(java.util.concurrent.TimeUnit.MILLISECONDS, duration.toMillis());
  }
}
