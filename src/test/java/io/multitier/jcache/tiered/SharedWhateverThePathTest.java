package io.multitier.jcache.tiered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import java.time.Duration;
import javax.cache.Cache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Nodes of one application share entries whatever the path of their configuration file (a
 * rolling deploy: {@code app-1.2/} next to {@code app-1.3/}); {@code redis.keyPrefix} keeps
 * applications apart on purpose.
 */
final class SharedWhateverThePathTest {

  private static final Duration INVALIDATION_BOUND = Duration.ofSeconds(1);
  private static final String CACHES = "caches:\n"
      + "  users: {keyType: java.lang.String, valueType: java.lang.String}\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  @Test
  void filesWithTheSameContentAtDifferentPathsShareEntriesAndInvalidateEachOther() {
    redis.server().call("FLUSHALL");
    String yaml = "redis:\n  address: " + redis.server().address() + "\n" + CACHES;
    try (ManagerFiles files = new ManagerFiles()) {
      Cache<String, String> old = open(files, "app-1.2/multitier.yaml", yaml);
      Cache<String, String> upgraded = open(files, "app-1.3/multitier.yaml", yaml);
      Cache<String, String> otherApp = open(files, "other/multitier.yaml",
          yaml.replace("redis:\n", "redis:\n  keyPrefix: \"other-app:\"\n"));

      old.put("42", "Ada");
      assertThat(upgraded.get("42")).as("read by the node whose file is elsewhere").isEqualTo("Ada");
      assertThat(otherApp.get("42")).as("read by an application with its own keyPrefix").isNull();

      upgraded.put("42", "Grace");
      await().atMost(INVALIDATION_BOUND).untilAsserted(() -> assertThat(old.get("42")).isEqualTo("Grace"));
      old.put("42", "Barbara");
      await().atMost(INVALIDATION_BOUND).untilAsserted(() -> assertThat(upgraded.get("42")).isEqualTo("Barbara"));
      old.remove("42");
      await().atMost(INVALIDATION_BOUND).untilAsserted(() -> assertThat(upgraded.get("42")).isNull());
    }
  }

  private static Cache<String, String> open(ManagerFiles files, String path, String yaml) {
    return files.openAt(path, yaml).getCache("users", String.class, String.class);
  }
}
