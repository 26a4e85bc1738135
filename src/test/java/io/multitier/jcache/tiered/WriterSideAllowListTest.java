package io.multitier.jcache.tiered;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.testing.CapturedStderr;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import java.io.Serializable;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A mistake in {@code allowedClasses} is reported on the JVM that makes it: the first write of a
 * class that no JVM could read back warns there, naming the cache and the entry to add, under
 * either codec; a declared type the allow-list refuses is reported when the CacheManager starts.
 */
final class WriterSideAllowListTest {

  private static final String PREFIX = "writer-side:";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  @ParameterizedTest
  @ValueSource(strings = {"java", "kryo"})
  void theFirstWriteOfAClassNoJvmCanReadBackWarnsOnTheWriter(String codec) {
    try (ManagerFiles files = new ManagerFiles()) {
      Cache<String, Object> cache = files.open(ManagerFiles.sharedClient(redis.server(), PREFIX + codec + ":")
          + "caches:\n  users:\n    keyType: java.lang.String\n    codec: " + codec + "\n").getCache("users");
      try (CapturedStderr log = CapturedStderr.start()) {
        cache.put("42", new User("Ada"));
        assertThat(log.lines("WARN")).singleElement().asString()
            .contains("'users'")
            .contains(User.class.getName())
            .contains("add \"" + User.class.getName() + "\" (or \"io.multitier.jcache.tiered.**\" for its package) to allowedClasses");
        cache.put("43", new User("Grace"));
        assertThat(log.lines("WARN")).as("one WARN per cache and class").hasSize(1);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"java", "kryo"})
  void aRefusedClassInsideAnAllowedOneIsNamed(String codec) {
    try (ManagerFiles files = new ManagerFiles()) {
      Cache<String, Object> cache = files.open(ManagerFiles.sharedClient(redis.server(), PREFIX + "inner-" + codec + ":")
          + "caches:\n  teams:\n    keyType: java.lang.String\n    codec: " + codec + "\n"
          + "    allowedClasses: [\"" + Team.class.getName() + "\"]\n").getCache("teams");
      try (CapturedStderr log = CapturedStderr.start()) {
        cache.put("t", new Team(new User("Ada")));
        assertThat(log.lines("WARN")).singleElement().asString()
            .contains("'teams'")
            .contains("add \"" + User.class.getName() + "\"");
      }
    }
  }

  @Test
  void anAllowedClassWritesWithoutAWord() {
    try (ManagerFiles files = new ManagerFiles()) {
      Cache<String, Object> cache = files.open(ManagerFiles.sharedClient(redis.server(), PREFIX + "allowed:")
          + "caches:\n  users:\n    keyType: java.lang.String\n"
          + "    allowedClasses: [\"io.multitier.jcache.tiered.**\"]\n").getCache("users");
      try (CapturedStderr log = CapturedStderr.start()) {
        cache.put("42", new User("Ada"));
        assertThat(log.lines("WARN")).isEmpty();
      }
    }
  }

  @Test
  void aDeclaredValueTypeTheAllowListRefusesIsReportedAtStart() {
    try (ManagerFiles files = new ManagerFiles(); CapturedStderr log = CapturedStderr.start()) {
      CacheManager manager = files.open(ManagerFiles.sharedClient(redis.server(), PREFIX + "declared:")
          + "caches:\n"
          + "  users: {keyType: java.lang.String, valueType: " + User.class.getName() + "}\n"
          + "  allowed: {keyType: java.lang.String, valueType: " + User.class.getName()
          + ", allowedClasses: [\"" + User.class.getName() + "\"]}\n"
          + "  local: {keyType: java.lang.String, valueType: " + User.class.getName() + ", tiered: false}\n");
      assertThat(log.lines("WARN")).singleElement().asString()
          .contains("CacheManager " + manager.getURI())
          .contains("'users' declares valueType " + User.class.getName())
          .contains("add \"" + User.class.getName() + "\"")
          .contains("to allowedClasses in " + manager.getURI());
    }
  }

  /** A value class of the application. */
  record User(String name) implements Serializable {}

  /** A value class that holds another. */
  record Team(User lead) implements Serializable {}
}
