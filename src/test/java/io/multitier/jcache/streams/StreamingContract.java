package io.multitier.jcache.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.spi.StreamingBackend;
import io.multitier.jcache.spi.StreamingBackend.PendingEntry;
import io.multitier.jcache.spi.StreamingBackend.StreamEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;

/** What a cache's streams do, in either mode: the subclasses say where the cache comes from. */
abstract class StreamingContract {

  /** Returns a fresh cache of the mode under test. */
  abstract Cache<String, String> cache();

  /** Returns the CacheManager of the mode under test. */
  abstract CacheManager manager();

  @Test
  void aCacheCanPublishItsChangesToAStream() {
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<String, String>()
        .setEventStream("changes", 100);
    Cache<String, String> cache = manager().createCache("streams.events", config);
    try {
      cache.put("k", "v1");
      cache.put("k", "v2");
      cache.remove("k");
      StreamingBackend streams = cache.unwrap(StreamingBackend.class);
      await().atMost(Duration.ofSeconds(5)).until(() -> streams.readLatest("changes", 10).size() == 3);
      assertThat(streams.readLatest("changes", 10)).extracting(StreamEntry::fields).containsExactly(
          Map.of("type", "CREATED", "key", "k", "value", "v1"),
          Map.of("type", "UPDATED", "key", "k", "value", "v2"),
          Map.of("type", "REMOVED", "key", "k", "value", "v2"));
      assertThat(cache.getConfiguration(MultiTierConfiguration.class).getCacheEntryListenerConfigurations())
          .as("the stream's listener is the provider's own, not the application's").isEmpty();
    } finally {
      manager().destroyCache("streams.events");
    }
  }

  private StreamingBackend streams() {
    return cache().unwrap(StreamingBackend.class);
  }

  @Test
  void entriesComeBackInOrderWithTheirFields() {
    StreamingBackend streams = streams();
    String first = streams.add("orders", Map.of("id", "1", "total", "9.50"), 0);
    String second = streams.add("orders", Map.of("id", "2"), 0);
    assertThat(streams.readLatest("orders", 10)).extracting(StreamEntry::id).containsExactly(first, second);
    assertThat(streams.readLatest("orders", 1)).containsExactly(new StreamEntry(second, Map.of("id", "2")));
    assertThat(streams.readAfter("orders", "0", 10, Duration.ZERO)).extracting(StreamEntry::id)
        .containsExactly(first, second);
    assertThat(streams.readAfter("orders", first, 10, Duration.ZERO)).extracting(StreamEntry::id)
        .containsExactly(second);
    assertThat(streams.readLatest("no-such-stream", 10)).isEmpty();
  }

  @Test
  void twoConsumersOfOneGroupShareTheWork() {
    StreamingBackend streams = streams();
    streams.createGroup("jobs", "workers");
    streams.createGroup("jobs", "workers");
    List<String> added = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      added.add(streams.add("jobs", Map.of("job", Integer.toString(i)), 0));
    }
    List<StreamEntry> a = streams.readGroup("jobs", "workers", "a", 5, Duration.ZERO);
    List<StreamEntry> b = streams.readGroup("jobs", "workers", "b", 10, Duration.ZERO);
    Set<String> seen = new HashSet<>();
    a.forEach(entry -> seen.add(entry.id()));
    b.forEach(entry -> assertThat(seen.add(entry.id())).as("delivered twice: " + entry).isTrue());
    assertThat(a).hasSize(5);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(added);
    assertThat(streams.ack("jobs", "workers", ids(a))).isEqualTo(5);
    assertThat(streams.ack("jobs", "workers", ids(a))).isZero();
    assertThat(streams.pending("jobs", "workers", 100)).extracting(PendingEntry::consumer).containsOnly("b");
  }

  @Test
  void creatingAGroupThatExistsReturnsAtOnceAndKeepsItsPosition() {
    StreamingBackend streams = streams();
    streams.createGroup("tasks", "workers");
    String waiting = streams.add("tasks", Map.of("task", "1"), 0);
    long start = System.nanoTime();
    streams.createGroup("tasks", "workers");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).as("the second createGroup of an existing group").isLessThan(Duration.ofMillis(500));
    assertThat(streams.readGroup("tasks", "workers", "a", 10, Duration.ZERO)).extracting(StreamEntry::id)
        .as("the group still starts where it was first created").containsExactly(waiting);
  }

  @Test
  void whatAKilledConsumerDidNotAcknowledgeIsClaimedByAnother() {
    StreamingBackend streams = streams();
    streams.createGroup("jobs", "workers");
    for (int i = 0; i < 3; i++) {
      streams.add("jobs", Map.of("job", Integer.toString(i)), 0);
    }
    List<StreamEntry> taken = streams.readGroup("jobs", "workers", "crashed", 10, Duration.ZERO);
    assertThat(taken).hasSize(3);

    List<String> pendingIds = ids(taken);
    assertThat(streams.pending("jobs", "workers", 10)).extracting(PendingEntry::consumer)
        .containsOnly("crashed");
    assertThat(streams.claim("jobs", "workers", "rescuer", Duration.ofHours(1), pendingIds)).isEmpty();
    AtomicReference<List<StreamEntry>> claimed = new AtomicReference<>(List.of());
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      claimed.set(streams.claim("jobs", "workers", "rescuer", Duration.ofMillis(50), pendingIds));
      return !claimed.get().isEmpty();
    });
    assertThat(claimed.get()).isEqualTo(taken);
    assertThat(streams.pending("jobs", "workers", 10)).allSatisfy(entry -> {
      assertThat(entry.consumer()).isEqualTo("rescuer");
      assertThat(entry.deliveries()).isEqualTo(2);
    });
    assertThat(streams.ack("jobs", "workers", pendingIds)).isEqualTo(3);
    assertThat(streams.pending("jobs", "workers", 10)).isEmpty();
  }

  @Test
  void aBlockingReadWakesWithinAHundredMillisecondsOfAnAppend() throws Exception {
    StreamingBackend streams = streams();
    String last = streams.add("events", Map.of("n", "0"), 0);
    AtomicReference<Thread> reader = new AtomicReference<>();
    CompletableFuture<Long> wokeAt = CompletableFuture.supplyAsync(() -> {
      reader.set(Thread.currentThread());
      List<StreamEntry> read = streams.readAfter("events", last, 10, Duration.ofSeconds(10));
      assertThat(read).extracting(entry -> entry.fields().get("n")).containsExactly("1");
      return System.nanoTime();
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> reader.get() != null
        && (reader.get().getState() == Thread.State.WAITING || reader.get().getState() == Thread.State.TIMED_WAITING));
    long appendedAt = System.nanoTime();
    streams.add("events", Map.of("n", "1"), 0);
    long latency = wokeAt.get(10, TimeUnit.SECONDS) - appendedAt;
    assertThat(Duration.ofNanos(latency)).isLessThan(Duration.ofMillis(100));
  }

  @Test
  void aNonBlockingReadOfNothingReturnsAtOnce() {
    assertThat(streams().readAfter("quiet", "0", 10, Duration.ZERO)).isEmpty();
  }

  @Test
  void theMaximumLengthHolds() {
    StreamingBackend streams = streams();
    String newest = null;
    for (int i = 0; i < 1_000; i++) {
      newest = streams.add("bounded", Map.of("n", Integer.toString(i)), 100);
    }
    List<StreamEntry> kept = streams.readLatest("bounded", 10_000);
    assertThat(kept.size()).isBetween(100, 100 + approximateTrimSlack());
    assertThat(kept.get(kept.size() - 1).id()).isEqualTo(newest);
  }

  /** How many entries over the maximum length trimming may leave (Redis trims whole nodes with {@code ~}). */
  abstract int approximateTrimSlack();

  @Test
  void readingAsAGroupThatDoesNotExistFails() {
    streams().add("orphan", Map.of("n", "1"), 0);
    assertThatThrownBy(() -> streams().readGroup("orphan", "nobody", "a", 1, Duration.ZERO))
        .isInstanceOf(RuntimeException.class).hasMessageContaining("nobody");
  }

  private static List<String> ids(List<StreamEntry> entries) {
    List<String> ids = new ArrayList<>();
    entries.forEach(entry -> ids.add(entry.id()));
    return ids;
  }
}
