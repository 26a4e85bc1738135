package io.multitier.jcache.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.testing.BlackHole;
import io.multitier.jcache.testing.CapturedStderr;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServer;
import io.multitier.jcache.testing.RedisServerExtension;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a CacheManager says at start when its Redis cannot be used: one WARN line for all its
 * tiered caches, naming them and the file, that tells a refused password from an unreachable server.
 */
final class StartMessagesTest {

  private static final String PASSWORD = "wrong-s3cret";
  private static final String CACHES = "caches:\n"
      + "  users: {keyType: java.lang.String, valueType: java.lang.String}\n"
      + "  orders: {keyType: java.lang.String, valueType: java.lang.String}\n"
      + "  prices: {keyType: java.lang.String, valueType: java.lang.String}\n"
      + "  sessions: {tiered: false}\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  @Test
  void aRefusedPasswordIsOneLineNamingTheCachesTheFileAndTheSetting() {
    RedisServer server = redis.server();
    server.call("ACL", "SETUSER", "app", "on", ">right-s3cret", "~*", "&*", "+@all");
    try (ManagerFiles files = new ManagerFiles(); CapturedStderr log = CapturedStderr.start()) {
      CacheManager manager = files.open("redis:\n  address: redis://app:" + PASSWORD + "@127.0.0.1:" + server.port()
          + "\n" + CACHES);
      assertThat(log.lines("WARN")).as("WARN lines").singleElement().asString()
          .contains("CacheManager " + manager.getURI())
          .contains("3 tiered caches (users, orders, prices)")
          .contains("refused the credentials")
          .contains("correct the password (and username) in redis.address in " + manager.getURI())
          .doesNotContain("cannot reach")
          .doesNotContain(PASSWORD);
    } finally {
      server.call("ACL", "DELUSER", "app");
    }
  }

  @Test
  void anUnreachableServerIsOneLineNamingTheCachesTheFileAndTheSetting() {
    String address = "redis://127.0.0.1:" + RedisServer.freePort();
    try (ManagerFiles files = new ManagerFiles(); CapturedStderr log = CapturedStderr.start()) {
      CacheManager manager = files.open("redis:\n  address: " + address + "\n" + CACHES);
      assertThat(log.lines("WARN")).as("WARN lines").singleElement().asString()
          .contains("CacheManager " + manager.getURI())
          .contains("3 tiered caches (users, orders, prices)")
          .contains("cannot reach Redis at " + address)
          .contains("check that Redis runs there and that redis.address in " + manager.getURI() + " names it")
          .doesNotContain("credentials");

      MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
      config.setTypes(String.class, String.class);
      manager.createCache("created", config);
      assertThat(log.lines("WARN")).as("WARN lines").hasSize(2).last().asString()
          .contains("the tiered cache 'created' keeps no L1 copies")
          .contains("cannot reach Redis at " + address);
    }
  }

  @Test
  void aServerThatDropsPacketsIsOneLineThatSaysSo() {
    try (BlackHole hole = BlackHole.open(); ManagerFiles files = new ManagerFiles(); CapturedStderr log = CapturedStderr.start()) {
      CacheManager manager = files.open("redis:\n  address: " + hole.address() + "\n" + CACHES);
      assertThat(log.lines("WARN")).as("WARN lines").singleElement().asString()
          .contains("CacheManager " + manager.getURI())
          .contains("3 tiered caches (users, orders, prices)")
          .contains("cannot reach Redis at " + hole.address())
          .contains("timed out")
          .contains("raise redis.connectTimeout");
    }
  }
}
