package io.multitier.jcache.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.NamingLoader;
import io.multitier.jcache.testing.RedisServer;
import io.multitier.jcache.testing.RedisServerExtension;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.processor.EntryProcessorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A write-through tiered cache whose writer or entry processor fails: both tiers stay as they were,
 * on this node and the other, and the key's lease is given back, so the other node's next write of
 * the key goes through at once. And a value loaded on one node does not land under another node's
 * step on the key, which would then fail its compare-and-set after telling its writer.
 */
final class WriterFailureTest {

  private static final String PREFIX = "wf:";
  private static final Duration BOUND = Duration.ofSeconds(5);

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private final RedisServer server = redis.server();
  private ManagerFiles managers;
  private Cache<String, String> a;
  private Cache<String, String> b;

  @BeforeEach
  void open() {
    server.call("FLUSHALL");
    managers = new ManagerFiles();
    a = cache("a");
    b = cache("b");
  }

  @AfterEach
  void close() {
    managers.close();
  }

  @Test
  void aFailingWriterLeavesBothTiersAndBothNodesAsTheyWere() {
    a.put("k", "good");
    assertThat(b.get("k")).isEqualTo("good");

    assertThatThrownBy(() -> a.put("k", "refused")).isInstanceOf(CacheWriterException.class);
    assertThatThrownBy(() -> a.replace("k", "good", "refused")).isInstanceOf(CacheWriterException.class);
    assertThatThrownBy(() -> a.getAndPut("k", "refused")).isInstanceOf(CacheWriterException.class);

    assertThat(a.get("k")).isEqualTo("good");
    assertThat(b.get("k")).isEqualTo("good");
    assertThat(leases()).as("leases left in Redis after the failed writes").isEmpty();
    b.put("k", "next");
    // the notice of B's write reaches A asynchronously
    await().atMost(BOUND).untilAsserted(() -> assertThat(a.get("k")).isEqualTo("next"));
  }

  @Test
  void aFailingProcessorLeavesTheEntryAndGivesTheLeaseBack() {
    a.put("k", "good");
    assertThatThrownBy(() -> a.invoke("k", (entry, args) -> {
      entry.setValue("half-done");
      throw new IllegalStateException("processor fails after setValue");
    })).isInstanceOf(EntryProcessorException.class);

    assertThat(a.get("k")).isEqualTo("good");
    assertThat(b.get("k")).isEqualTo("good");
    assertThat(leases()).as("leases left in Redis after the failed invoke").isEmpty();
    String result = b.invoke("k", (entry, args) -> {
      entry.setValue("after");
      return entry.getValue();
    });
    assertThat(result).isEqualTo("after");
    await().atMost(BOUND).untilAsserted(() -> assertThat(a.get("k")).isEqualTo("after"));
  }

  @Test
  void aLoadedValueIsNotStoredWhileAnotherNodesStepHoldsTheKey() {
    MultiTierConfiguration<String, String> config = configuration();
    config.setReadThrough(true);
    config.setCacheLoaderFactory(FactoryBuilder.factoryOf(new NamingLoader()));
    Cache<String, String> loading = managers.open(managers.separateClient(server, PREFIX, "c", ""))
        .createCache("loaded", config);
    loading.put("x", "x");
    String entryOfX = entryKeys("loaded").get(0);
    String lease = entryOfX.substring(0, entryOfX.length() - ":s:x".length()) + "#lease:s:k";
    // another node's write-through step on k: it read k absent and is telling its writer
    server.call("SET", lease, "another-node/1", "PX", "10000");

    assertThat(loading.get("k")).as("the loaded value is returned").isEqualTo("loaded k");
    assertThat(entryKeys("loaded")).as("but not stored while the step holds k").containsExactly(entryOfX);

    server.call("DEL", lease);
    assertThat(loading.get("k")).isEqualTo("loaded k");
    assertThat(entryKeys("loaded")).hasSize(2);
  }

  private Cache<String, String> cache(String tag) {
    return managers.open(managers.separateClient(server, PREFIX, tag, "")).createCache("orders", configuration());
  }

  private static MultiTierConfiguration<String, String> configuration() {
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
    config.setTypes(String.class, String.class);
    config.setWriteThrough(true);
    config.setCacheWriterFactory(FactoryBuilder.factoryOf(new RefusingWriter()));
    return config;
  }

  private List<String> leases() {
    return scan(PREFIX + "*#lease:*");
  }

  /** Returns the Redis keys of the cache's entries. */
  private List<String> entryKeys(String cacheName) {
    List<String> found = new ArrayList<>(scan(PREFIX + "*{" + cacheName + "}:*"));
    found.removeIf(key -> key.contains("#"));
    return found;
  }

  private List<String> scan(String pattern) {
    List<String> found = new ArrayList<>();
    String cursor = "0";
    do {
      List<?> reply = (List<?>) server.call("SCAN", cursor, "MATCH", pattern, "COUNT", "1000");
      cursor = (String) reply.get(0);
      for (Object key : (List<?>) reply.get(1)) {
        found.add((String) key);
      }
    } while (!cursor.equals("0"));
    return found;
  }

  /** Refuses the value "refused"; takes every other write and every delete. */
  static final class RefusingWriter implements CacheWriter<String, String>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      if ("refused".equals(entry.getValue())) {
        throw new IllegalStateException("the system of record refuses " + entry.getKey());
      }
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      entries.forEach(this::write);
    }

    @Override
    public void delete(Object key) {}

    @Override
    public void deleteAll(Collection<?> keys) {}
  }
}
