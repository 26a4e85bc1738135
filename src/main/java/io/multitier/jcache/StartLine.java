package io.multitier.jcache;

import io.multitier.jcache.configuration.ManagerSettings;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.configuration.RedisSettings;
import io.multitier.jcache.spi.Ttl;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The line a CacheManager logs when it starts: its file, Redis (without passwords), and each declared cache's tiers and policies. */
final class StartLine {

  private StartLine() {}

  /**
   * Returns the line.
   *
   * @param redis the settings of the shared tier, or {@code null} if the caches are L1-only
   * @param applicationClient whether the application handed over its own Redisson client
   * @param servers where the open Redisson client looks for Redis, or {@code null} if none is open yet
   */
  static String of(URI uri, ManagerSettings settings, @Nullable RedisSettings redis, boolean applicationClient,
      Map<String, MultiTierConfiguration<?, ?>> declared, @Nullable String servers) {
    StringBuilder line = new StringBuilder("CacheManager ").append(uri);
    if (!settings.source().equals(uri.toString())) {
      line.append(" (configuration ").append(settings.source()).append(')');
    }
    List<String> tiered = new ArrayList<>();
    List<String> local = new ArrayList<>();
    declared.forEach((name, config) -> {
      if (redis != null && config.isTiered()) {
        tiered.add(name + " (" + config.getDegradation() + ", l1MaxTtl " + format(config.getL1MaxTtl()) + ")");
      } else {
        local.add(name);
      }
    });
    if (redis == null) {
      line.append(": no Redis");
    } else {
      if (!applicationClient) {
        line.append(": Redis at ").append((servers != null) ? servers
            : (redis.address() != null) ? redis.redactedAddress() : "the servers of the Redisson file " + redis.redissonConfig());
      } else {
        line.append(": Redis ").append((servers != null) ? "at " + servers + " " : "")
            .append("through the application's RedissonClient");
        if (redis.namesServers()) {
          line.append(" (").append((redis.address() != null) ? "redis.address " + redis.redactedAddress()
              : "redis.redissonConfig " + redis.redissonConfig()).append(" of the file is ignored)");
        }
      }
      line.append(", key prefix '").append((redis.keyPrefix() != null) ? redis.keyPrefix() : "mtj:").append('\'')
          .append("; tiered caches: ").append(tiered.isEmpty() ? "none declared" : String.join(", ", tiered));
    }
    if (!local.isEmpty()) {
      line.append("; L1-only: ").append(String.join(", ", local));
    }
    if (declared.isEmpty()) {
      line.append("; no cache declared");
    }
    return line.toString();
  }

  /** Returns a duration as the configuration file writes it ({@code 10m}, {@code 500ms}, {@code eternal}). */
  static String format(Duration duration) {
    if (Ttl.isEternal(duration)) {
      return "eternal";
    }
    long millis = duration.toMillis();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (millis != 0 && millis % units[i] == 0) {
        return (millis / units[i]) + names[i];
      }
    }
    return (millis == 0) ? "0s" : millis + "ms";
  }
}
