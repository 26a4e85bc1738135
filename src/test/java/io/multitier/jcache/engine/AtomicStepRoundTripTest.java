package io.multitier.jcache.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.engine.WriterFailureTest.RefusingWriter;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServer;
import io.multitier.jcache.testing.RedisServerExtension;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Round trips of atomic steps, counted with {@code INFO commandstats} (every script is one
 * {@code EVALSHA}): an {@code invoke} is a read and a commit, with or without the key's lease; a
 * write-through {@code put} takes the lease in the read and gives it back in the commit.
 */
final class AtomicStepRoundTripTest {

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private final RedisServer server = redis.server();
  private ManagerFiles managers;
  private Cache<String, String> plain;
  private Cache<String, String> writing;

  @BeforeEach
  void open() {
    server.call("FLUSHALL");
    managers = new ManagerFiles();
    var manager = managers.open(managers.separateClient(server, "rt:", "a", "pingConnectionInterval: 0\n"));
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
    config.setTypes(String.class, String.class);
    plain = manager.createCache("plain", config);
    config.setWriteThrough(true);
    config.setCacheWriterFactory(FactoryBuilder.factoryOf(new RefusingWriter()));
    writing = manager.createCache("writing", config);
    for (Cache<String, String> cache : java.util.List.of(plain, writing)) {
      // loads every script and opens the connections before counting
      cache.put("k", "v0");
      cache.invoke("k", (entry, args) -> {
        entry.setValue(entry.getValue() + "+");
        return null;
      });
      cache.invoke("k", (entry, args) -> entry.getValue());
    }
    server.resetStats();
  }

  @AfterEach
  void close() {
    managers.close();
  }

  @Test
  void anInvokeWithoutAWriterIsARoundTripToReadAndOneToCommit() {
    plain.invoke("k", (entry, args) -> {
      entry.setValue("v1");
      return null;
    });

    assertThat(server.commandStats()).containsEntry("evalsha", 2L).containsEntry("publish", 1L)
        .doesNotContainKey("pexpire");
  }

  @Test
  void aWriteThroughInvokeTakesTheLeaseInItsReadAndGivesItBackInItsCommit() {
    writing.invoke("k", (entry, args) -> {
      entry.setValue("v1");
      return null;
    });

    assertThat(server.commandStats()).containsEntry("evalsha", 2L).containsEntry("publish", 1L)
        .containsEntry("del", 1L);
  }

  @Test
  void aWriteThroughPutIsTwoRoundTripsAPlainPutOne() {
    writing.put("k", "v1");
    Map<String, Long> writeThrough = server.commandStats();
    server.resetStats();
    plain.put("k", "v1");

    assertThat(writeThrough).containsEntry("evalsha", 2L).containsEntry("publish", 1L);
    assertThat(server.commandStats()).containsEntry("evalsha", 1L).containsEntry("publish", 1L);
  }

  @Test
  void aReadOnlyWriteThroughInvokeReadsAndGivesTheLeaseBackWithoutANotice() {
    String value = writing.invoke("k", (entry, args) -> entry.getValue());

    assertThat(value).isEqualTo("v0+");

    assertThat(server.commandStats()).containsEntry("evalsha", 2L).doesNotContainKey("publish");
  }
}
