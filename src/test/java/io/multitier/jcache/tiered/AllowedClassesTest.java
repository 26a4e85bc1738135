package io.multitier.jcache.tiered;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.testing.CapturedStderr;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import java.io.Serializable;
import javax.cache.Cache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A value whose class one node allows and another does not: the other node reads a miss, counts it
 * and logs which class to add to which setting.
 */
final class AllowedClassesTest {

  private static final String PREFIX = "allowed:";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  @Test
  void aClassMissingFromAllowedClassesIsACountedMissThatSaysWhatToAdd() {
    redis.server().call("FLUSHALL");
    String caches = "caches:\n  users:\n    keyType: java.lang.String\n";
    try (ManagerFiles files = new ManagerFiles()) {
      Cache<String, Object> writer = files.open(ManagerFiles.sharedClient(redis.server(), PREFIX) + caches
          + "    allowedClasses: [\"" + User.class.getName() + "\"]\n").getCache("users");
      Cache<String, Object> reader = files.open(ManagerFiles.sharedClient(redis.server(), PREFIX) + caches).getCache("users");
      writer.put("42", new User("Ada"));

      try (CapturedStderr log = CapturedStderr.start()) {
        assertThat(reader.get("42")).as("a value of a class the reader does not allow").isNull();
        assertThat(reader.unwrap(TieredCache.class).tierStatistics().corruptValues()).isEqualTo(1);
        assertThat(log.lines("WARN")).singleElement().asString()
            .contains(User.class.getName())
            .contains("add \"" + User.class.getName() + "\" (or \"io.multitier.jcache.tiered.**\" for its package) to allowedClasses")
            .contains("'users'");
        assertThat(reader.unwrap(TieredCache.class).tierStatistics().refusedClasses()).isEqualTo(1);
        assertThat(reader.get("42")).isNull();
        assertThat(reader.unwrap(TieredCache.class).tierStatistics().refusedClasses()).isEqualTo(2);
        assertThat(log.lines("WARN")).as("one WARN per cache and class").hasSize(1);
      }
      assertThat(writer.get("42")).isEqualTo(new User("Ada"));
    }
  }

  /** A value class of the application. */
  record User(String name) implements Serializable {}
}
