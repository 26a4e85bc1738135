package io.multitier.jcache.tiered;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServer;
import io.multitier.jcache.testing.RedisServerExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A {@code put} or {@code remove} whose previous value nobody asked for (no {@code getAndPut}, no
 * listener of updates or removals) reads no value back from Redis: the bytes Redis sends, counted
 * in {@code INFO stats}, stay far below the size of the value that was there; with such a
 * listener, the events still carry the previous value.
 */
final class PreviousValueTest {

  private static final int LARGE = 20_000;

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private final RedisServer server = redis.server();
  private ManagerFiles managers;
  private CacheManager manager;
  private Cache<String, String> cache;

  @BeforeEach
  void open() {
    server.call("FLUSHALL");
    managers = new ManagerFiles();
    manager = managers.open(ManagerFiles.publishing(managers.separateClient(server, "pv:", "a", "pingConnectionInterval: 0\n")));
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<>();
    config.setTypes(String.class, String.class);
    cache = manager.createCache("pv", config);
    // loads every script and opens the connections before counting
    cache.put("warm", "v");
    cache.remove("warm");
    cache.putAll(Map.of("w1", "v", "w2", "v"));
    cache.getAndPut("k", large('a'));
  }

  @AfterEach
  void close() {
    managers.close();
  }

  @Test
  void aPutOverALargeValueReadsNoValueBack() {
    server.resetStats();
    cache.put("k", large('b'));

    assertThat(outputBytes()).isLessThan(1_000);
    assertThat(server.commandStats()).containsEntry("evalsha", 1L).containsEntry("set", 1L)
        .containsEntry("publish", 1L).doesNotContainKey("get");
    assertThat(cache.get("k")).isEqualTo(large('b'));
  }

  @Test
  void aRemoveOfALargeValueReadsNoValueBack() {
    server.resetStats();
    assertThat(cache.remove("k")).isTrue();

    assertThat(outputBytes()).isLessThan(1_000);
    assertThat(server.commandStats()).containsEntry("evalsha", 1L).containsEntry("del", 1L)
        .doesNotContainKey("get");
    assertThat(cache.remove("k")).isFalse();
  }

  @Test
  void aPutAllOverLargeValuesReadsNoValueBack() {
    Map<String, String> entries = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      entries.put("m" + i, large('c'));
    }
    cache.putAll(entries);
    entries.replaceAll((key, value) -> large('d'));
    server.resetStats();
    cache.putAll(entries);

    assertThat(outputBytes()).isLessThan(3_000);
    assertThat(server.commandStats()).containsEntry("evalsha", 1L).containsEntry("set", 10L)
        .doesNotContainKey("get");
    assertThat(cache.getAll(entries.keySet())).isEqualTo(entries);
  }

  @Test
  void getAndPutAndGetAndRemoveStillReadTheValue() {
    assertThat(cache.getAndPut("k", "small")).isEqualTo(large('a'));
    assertThat(cache.getAndRemove("k")).isEqualTo("small");
    assertThat(cache.getAndRemove("k")).isNull();
  }

  @Test
  void listenersOfUpdatesAndRemovalsStillGetThePreviousValue() {
    Recorder recorder = new Recorder();
    cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(recorder), null, true, true));
    server.resetStats();
    cache.put("k", "b");
    cache.put("n", "new");
    cache.remove("k");

    assertThat(recorder.events).containsExactly("UPDATED k=b was " + large('a').length() + " chars",
        "CREATED n=new", "REMOVED k=b was b");
    assertThat(server.commandStats()).containsEntry("get", 3L);
  }

  @Test
  void aListenerOfCreationsOnlyTellsNewEntriesWithoutReadingValuesBack() {
    Recorder recorder = new Recorder();
    cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
        FactoryBuilder.factoryOf(new CreatedOnly(recorder)), null, true, true));
    server.resetStats();
    cache.put("k", "b");
    cache.put("n", "new");

    assertThat(recorder.events).containsExactly("CREATED n=new");
    assertThat(outputBytes()).isLessThan(2_000);
  }

  /** Returns the bytes Redis sent to its clients since the statistics were reset. */
  private long outputBytes() {
    String info = (String) server.call("INFO", "stats");
    for (String line : info.split("\r\n")) {
      if (line.startsWith("total_net_output_bytes:")) {
        return Long.parseLong(line.substring("total_net_output_bytes:".length()));
      }
    }
    throw new IllegalStateException("INFO stats has no total_net_output_bytes: " + info);
  }

  private static String large(char fill) {
    return String.valueOf(fill).repeat(LARGE);
  }

  /** Records each event as text; an old value over 100 chars as its length. */
  static final class Recorder implements CacheEntryCreatedListener<String, String>,
      CacheEntryUpdatedListener<String, String>, CacheEntryRemovedListener<String, String>, java.io.Serializable {
    final List<String> events = new ArrayList<>();

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      record(events);
    }

    private void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> event : events) {
        String old = event.isOldValueAvailable() ? event.getOldValue() : null;
        String was = (old == null) ? "" : " was " + ((old.length() > 100) ? old.length() + " chars" : old);
        this.events.add(event.getEventType() + " " + event.getKey() + "=" + event.getValue() + was);
      }
    }
  }

  /** Hears creations only. */
  static final class CreatedOnly implements CacheEntryCreatedListener<String, String>, java.io.Serializable {
    private final Recorder recorder;

    CreatedOnly(Recorder recorder) {
      this.recorder = recorder;
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      recorder.onCreated(events);
    }
  }
}
