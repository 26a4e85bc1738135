package io.multitier.jcache.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.copy.Codec;
import io.multitier.jcache.engine.WriterFailureTest.RefusingWriter;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServer;
import io.multitier.jcache.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Round trips of atomic steps, counted with {@code INFO commandstats} (every script is one
 * {@code EVALSHA}): an {@code invoke} without a writer on an entry this JVM holds is one
 * compare-and-set against the copy's bytes; otherwise it is a read and a commit, with or without
 * the key's lease; a write-through {@code put} takes the lease in the read and gives it back in the
 * commit.
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
    var manager = managers.open(ManagerFiles.publishing(managers.separateClient(server, "rt:", "a", "pingConnectionInterval: 0\n")));
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
    config.setTypes(String.class, String.class);
    config.setCodec(Codec.JAVA); // a test plants a value in Java serialization's form
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
      cache.invoke("absent", (entry, args) -> entry.getValue());
    }
    server.resetStats();
  }

  @AfterEach
  void close() {
    managers.close();
  }

  @Test
  void anInvokeWithoutAWriterOnAnEntryThisJvmHoldsIsOneRoundTrip() {
    plain.invoke("k", (entry, args) -> {
      entry.setValue(entry.getValue() + "1");
      return null;
    });

    assertThat(server.commandStats()).containsEntry("evalsha", 1L).containsEntry("publish", 1L)
        .doesNotContainKey("pexpire");
    assertThat(plain.get("k")).isEqualTo("v0+1");
  }

  @Test
  void aReadOnlyInvokeOnAnEntryThisJvmHoldsChecksItInOneRoundTripWithoutANotice() {
    String value = plain.invoke("k", (entry, args) -> entry.getValue());

    assertThat(value).isEqualTo("v0+");
    assertThat(server.commandStats()).containsEntry("evalsha", 1L).doesNotContainKey("publish");
  }

  @Test
  void anInvokeWithoutAWriterOnAnEntryThisJvmDoesNotHoldReadsThenCommits() {
    var other = managers.open(ManagerFiles.publishing(managers.separateClient(server, "rt:", "b", "pingConnectionInterval: 0\n")));
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
    config.setTypes(String.class, String.class);
    config.setCodec(Codec.JAVA); // as the other JVM's
    Cache<String, String> cold = other.createCache("plain", config);
    server.resetStats();
    cold.invoke("k", (entry, args) -> {
      entry.setValue("v1");
      return null;
    });

    assertThat(server.commandStats()).containsEntry("evalsha", 2L).containsEntry("publish", 1L);
    assertThat(cold.get("k")).isEqualTo("v1");
  }

  @Test
  @SuppressWarnings("unchecked")
  void anInvokeOnACopyThatMissedAChangeDecidesAgainOnWhatRedisHolds() throws Exception {
    List<Object> keys = (List<Object>) server.call("KEYS", "rt:{plain}:*k");
    assertThat(keys).hasSize(1);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject("changed elsewhere");
    }
    // no notice: this JVM's copy still says v0+
    server.callBytes("SET".getBytes(UTF_8), ((String) keys.get(0)).getBytes(UTF_8), bytes.toByteArray());
    List<String> seen = new ArrayList<>();
    server.resetStats();

    String before = plain.invoke("k", (entry, args) -> {
      seen.add(entry.getValue());
      entry.setValue(entry.getValue() + "!");
      return entry.getValue();
    });

    assertThat(before).isEqualTo("changed elsewhere!");
    assertThat(seen).containsExactly("v0+", "changed elsewhere");
    assertThat(plain.get("k")).isEqualTo("changed elsewhere!");
    assertThat(server.commandStats()).as("a failed compare-and-set, a read, a commit").containsEntry("evalsha", 3L)
        .containsEntry("publish", 1L);
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
