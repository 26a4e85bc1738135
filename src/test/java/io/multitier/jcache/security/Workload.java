package io.multitier.jcache.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;

/** Every kind of Cache operation, run over two tiered CacheManagers' views of one cache, with its results asserted. */
public final class Workload {

  private Workload() {}

  public static void run(Cache<String, String> a, Cache<String, String> b) {
    a.put("k1", "v1");
    assertThat(b.get("k1")).isEqualTo("v1");
    a.putAll(Map.of("k2", "v2", "k3", "v3"));
    assertThat(b.getAll(Set.of("k1", "k2", "k3", "none"))).hasSize(3);
    assertThat(a.getAndPut("k1", "v1b")).isEqualTo("v1");
    await().atMost(Duration.ofSeconds(2)).until(() -> "v1b".equals(b.get("k1")));
    assertThat(a.putIfAbsent("k4", "v4")).isTrue();
    assertThat(a.replace("k4", "v4", "v4b")).isTrue();
    assertThat(a.replace("k4", "v4c")).isTrue();
    assertThat(a.getAndReplace("k4", "v4d")).isEqualTo("v4c");
    String done = a.invoke("k5", (entry, args) -> {
      entry.setValue("v5");
      return "done";
    });
    assertThat(done).isEqualTo("done");
    assertThat(b.containsKey("k5")).isTrue();
    assertThat(a.remove("k5", "v5")).isTrue();
    assertThat(a.getAndRemove("k4")).isEqualTo("v4d");
    assertThat(a.remove("k3")).isTrue();
    List<String> keys = new ArrayList<>();
    b.forEach(entry -> keys.add(entry.getKey()));
    assertThat(new HashSet<>(keys)).containsExactlyInAnyOrder("k1", "k2");
    a.removeAll(Set.of("k1"));
    a.removeAll();
    assertThat(b.iterator().hasNext()).isFalse();
    a.put("k6", "v6");
    a.clear();
    await().atMost(Duration.ofSeconds(2)).until(() -> b.get("k6") == null);
  }
}
