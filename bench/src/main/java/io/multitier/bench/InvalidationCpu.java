package io.multitier.bench;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServer;
import java.util.List;
import java.util.Locale;
import javax.cache.Cache;

/**
 * Redis CPU per {@code put} alone and with 8 other CacheManagers (each its own Redisson client)
 * that hold none of the written keys, under {@code invalidation: publish} and {@code tracking}
 * (issue 19, item 1): one caller, 20,000 puts over 1,000 keys after 2,000 warm-up puts,
 * {@code INFO cpu} ({@code used_cpu_user + used_cpu_sys}) before and after, on a redis-server of
 * its own. Usage: {@code InvalidationCpu [rounds, 3]}; prints one line per mode and round. Which
 * nodes a write is delivered to is asserted, by count, in {@code TrackingTest}.
 */
public final class InvalidationCpu {

  private static final String PREFIX = "cpu:";

  private InvalidationCpu() {}

  public static void main(String[] args) {
    int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 3;
    RedisServer server = RedisServer.start();
    try {
      for (int round = 1; round <= rounds; round++) {
        for (String mode : List.of("tracking", "publish")) {
          String settings = "  invalidation: " + mode + "\n";
          double alone = cpuPerPut(server, settings, 0, mode);
          double withEight = cpuPerPut(server, settings, 8, mode);
          System.out.printf(Locale.ROOT, "round %d, invalidation: %s: Redis CPU per put %.1f us alone, %.1f us with 8"
              + " other nodes holding none of the keys (%.2fx)%n", round, mode, alone, withEight, withEight / alone);
        }
      }
    } finally {
      server.stop();
    }
  }

  private static double cpuPerPut(RedisServer server, String settings, int others, String tag) {
    int puts = 20_000;
    try (ManagerFiles files = new ManagerFiles()) {
      Cache<String, String> writer = cache(server, files, tag + "-w", settings);
      for (int i = 0; i < others; i++) {
        Cache<String, String> other = cache(server, files, tag + "-" + i, settings);
        if (other.get("elsewhere-" + i) != null) {
          throw new IllegalStateException("a node found a key nobody wrote");
        }
      }
      for (int i = 0; i < 2_000; i++) {
        writer.put("k" + (i % 1_000), "warm");
      }
      double before = Redis.cpuSeconds((String) server.call("INFO", "cpu"));
      for (int i = 0; i < puts; i++) {
        writer.put("k" + (i % 1_000), "v" + i);
      }
      return (Redis.cpuSeconds((String) server.call("INFO", "cpu")) - before) * 1e6 / puts;
    }
  }

  private static Cache<String, String> cache(RedisServer server, ManagerFiles files, String tag, String settings) {
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
    config.setTypes(String.class, String.class);
    Cache<String, String> cache = files.open(files.separateClient(server, PREFIX, tag, "") + settings)
        .createCache("cpu", config);
    cache.get("warm-up");
    return cache;
  }
}
