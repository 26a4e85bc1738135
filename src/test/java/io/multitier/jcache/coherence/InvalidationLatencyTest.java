package io.multitier.jcache.coherence;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.testing.ChildJvm;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.cache.Cache;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How long after this JVM's acknowledged write the other JVMs still read their old L1 copy, with 2
 * and with 4 JVMs on one redis-server: each of {@link #ROUNDS} rounds, every {@link CoherenceNode}
 * child holds a copy and polls it (every 0.1 ms) until it reads the new value. Asserts the bound
 * stated in docs/operations.md (every copy gone within 1 s) and prints p50/p99/max, the figures
 * of that page.
 */
final class InvalidationLatencyTest {

  private static final int ROUNDS = 150;
  private static final Duration BOUND = Duration.ofSeconds(1);
  private static final String CACHES = "caches:\n"
      + "  users:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  @ParameterizedTest(name = "{0} JVMs")
  @ValueSource(ints = {2, 4})
  void everyCopyIsGoneWithinTheBound(int jvms) {
    redis.server().call("FLUSHALL");
    try (Nodes nodes = Nodes.start(jvms - 1, ManagerFiles.sharedClient(redis.server(), "latency" + jvms + ":") + CACHES)) {
      List<ChildJvm> children = nodes.children();
      Cache<String, String> cache = nodes.manager(0).getCache("users", String.class, String.class);
      cache.put("k", "v0");
      awaitEverywhere(children, "v0");
      List<Long> micros = new ArrayList<>();
      int staleRounds = 0;
      for (int round = 1; round <= ROUNDS; round++) {
        String value = "v" + round;
        children.forEach(child -> child.tell("watch 0/users k " + value));
        children.forEach(child -> assertThat(child.reply("watch", Duration.ofSeconds(5))).isEqualTo("watching"));
        cache.put("k", value);
        long acknowledged = System.nanoTime();
        boolean stale = false;
        for (ChildJvm child : children) {
          long seen = Long.parseLong(child.reply("watch", BOUND.plusSeconds(5)).substring("seen ".length()));
          micros.add(Math.max(0, (seen - acknowledged) / 1_000));
          stale |= seen > acknowledged;
        }
        staleRounds += stale ? 1 : 0;
      }
      Collections.sort(micros);
      long p50 = micros.get(micros.size() / 2);
      long p99 = micros.get((int) Math.ceil(micros.size() * 0.99) - 1);
      long max = micros.get(micros.size() - 1);
      System.out.printf("Invalidation latency, %d JVMs (%d readers x %d writes): p50 %.2f ms, p99 %.2f ms, "
          + "max %.2f ms; a reader read the old value after the write returned in %d of %d rounds%n",
          jvms, children.size(), ROUNDS, p50 / 1e3, p99 / 1e3, max / 1e3, staleRounds, ROUNDS);
      assertThat(Duration.ofNanos(max * 1_000)).as("every copy gone within the bound").isLessThanOrEqualTo(BOUND);
    }
  }

  private static void awaitEverywhere(List<ChildJvm> children, String value) {
    children.forEach(child -> child.tell("watch 0/users k " + value));
    for (ChildJvm child : children) {
      assertThat(child.reply("watch", Duration.ofSeconds(5))).isEqualTo("watching");
      assertThat(child.reply("watch", Duration.ofSeconds(5))).startsWith("seen ");
    }
  }
}
