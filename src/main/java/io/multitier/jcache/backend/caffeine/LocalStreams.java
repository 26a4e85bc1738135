package io.multitier.jcache.backend.caffeine;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Ticker;
import io.multitier.jcache.spi.StreamingBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Streams inside one JVM with the semantics of Redis Streams: ids {@code <millis>-<seq>} that only
 * grow, trimming to a maximum length, blocking reads, and consumer groups with pending entries that
 * another member can claim. Each stream holds at most {@link #HARD_LIMIT} entries whatever the
 * caller asks, so the embedded default cannot grow without bound. Idle times come from the ticker;
 * blocking reads wait in real time.
 */
final class LocalStreams implements StreamingBackend {

  /** The most entries one stream keeps. */
  static final long HARD_LIMIT = 100_000;

  private final Ticker ticker;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition appended = lock.newCondition();
  private final Map<String, Stream> streams = new HashMap<>();

  LocalStreams(Ticker ticker) {
    this.ticker = requireNonNull(ticker, "ticker");
  }

  @Override
  public String add(String stream, Map<String, String> fields, long maxLength) {
    requireNonNull(stream, "stream");
    requireNonNull(fields, "fields");
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("A stream entry needs at least one field");
    }
    lock.lock();
    try {
      Stream target = streams.computeIfAbsent(stream, name -> new Stream());
      EntryId id = target.nextId(System.currentTimeMillis());
      target.entries.put(id, Map.copyOf(fields));
      long limit = (maxLength > 0) ? Math.min(maxLength, HARD_LIMIT) : HARD_LIMIT;
      while (target.entries.size() > limit) {
        target.entries.pollFirstEntry();
      }
      appended.signalAll();
      return id.toString();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<StreamEntry> readLatest(String stream, int count) {
    lock.lock();
    try {
      Stream target = streams.get(requireNonNull(stream, "stream"));
      if (target == null) {
        return List.of();
      }
      List<StreamEntry> latest = new ArrayList<>();
      for (Map.Entry<EntryId, Map<String, String>> entry : target.entries.descendingMap().entrySet()) {
        if (latest.size() == count) {
          break;
        }
        latest.add(new StreamEntry(entry.getKey().toString(), entry.getValue()));
      }
      Collections.reverse(latest);
      return latest;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<StreamEntry> readAfter(String stream, String afterId, int count, Duration block) {
    EntryId after = EntryId.parse(afterId);
    return waitFor(block, () -> {
      Stream target = streams.get(stream);
      return (target == null) ? List.of() : entries(target.entries.tailMap(after, false), count);
    });
  }

  @Override
  public void createGroup(String stream, String group) {
    requireNonNull(group, "group");
    lock.lock();
    try {
      Stream target = streams.computeIfAbsent(requireNonNull(stream, "stream"), name -> new Stream());
      target.groups.computeIfAbsent(group, name -> new Group(target, target.lastId()));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<StreamEntry> readGroup(String stream, String group, String consumer, int count,
      Duration block) {
    requireNonNull(consumer, "consumer");
    return waitFor(block, () -> {
      Group target = group(stream, group);
      List<StreamEntry> delivered = entries(target.stream.entries.tailMap(target.lastDelivered, false), count);
      long now = ticker.read();
      for (StreamEntry entry : delivered) {
        EntryId id = EntryId.parse(entry.id());
        target.lastDelivered = id;
        target.pending.put(id, new Delivery(consumer, now, 1));
      }
      return delivered;
    });
  }

  @Override
  public long ack(String stream, String group, List<String> ids) {
    lock.lock();
    try {
      Group target = group(stream, group);
      long acknowledged = 0;
      for (String id : ids) {
        if (target.pending.remove(EntryId.parse(id)) != null) {
          acknowledged++;
        }
      }
      return acknowledged;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<PendingEntry> pending(String stream, String group, int count) {
    lock.lock();
    try {
      long now = ticker.read();
      List<PendingEntry> pending = new ArrayList<>();
      for (Map.Entry<EntryId, Delivery> entry : group(stream, group).pending.entrySet()) {
        if (pending.size() == count) {
          break;
        }
        Delivery delivery = entry.getValue();
        pending.add(new PendingEntry(entry.getKey().toString(), delivery.consumer,
            Duration.ofNanos(now - delivery.at), delivery.count));
      }
      return pending;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<StreamEntry> claim(String stream, String group, String consumer, Duration minIdle,
      List<String> ids) {
    requireNonNull(consumer, "consumer");
    lock.lock();
    try {
      Group target = group(stream, group);
      long now = ticker.read();
      List<StreamEntry> claimed = new ArrayList<>();
      for (String text : ids) {
        EntryId id = EntryId.parse(text);
        Delivery delivery = target.pending.get(id);
        if (delivery == null || now - delivery.at < minIdle.toNanos()) {
          continue;
        }
        Map<String, String> fields = target.stream.entries.get(id);
        if (fields == null) {
          target.pending.remove(id);
          continue;
        }
        target.pending.put(id, new Delivery(consumer, now, delivery.count + 1));
        claimed.add(new StreamEntry(text, fields));
      }
      return claimed;
    } finally {
      lock.unlock();
    }
  }

  /** Runs the read under the lock, waiting for appends up to {@code block} while it finds nothing. */
  private List<StreamEntry> waitFor(Duration block, java.util.function.Supplier<List<StreamEntry>> read) {
    long remaining = (block == null) ? 0 : block.toNanos();
    lock.lock();
    try {
      List<StreamEntry> found = read.get();
      while (found.isEmpty() && remaining > 0) {
        remaining = appended.awaitNanos(remaining);
        found = read.get();
      }
      return found;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    } finally {
      lock.unlock();
    }
  }

  private Group group(String stream, String group) {
    Stream target = streams.get(stream);
    Group found = (target == null) ? null : target.groups.get(group);
    if (found == null) {
      throw new IllegalArgumentException("No consumer group '" + group + "' on stream '" + stream
          + "': create it first");
    }
    return found;
  }

  private static List<StreamEntry> entries(NavigableMap<EntryId, Map<String, String>> from, int count) {
    List<StreamEntry> entries = new ArrayList<>();
    for (Map.Entry<EntryId, Map<String, String>> entry : from.entrySet()) {
      if (entries.size() == count) {
        break;
      }
      entries.add(new StreamEntry(entry.getKey().toString(), entry.getValue()));
    }
    return entries;
  }

  /** An entry id: milliseconds and a sequence within them. */
  private record EntryId(long millis, long sequence) implements Comparable<EntryId> {
    static final EntryId ZERO = new EntryId(0, 0);

    static EntryId parse(String text) {
      requireNonNull(text, "id");
      try {
        int dash = text.indexOf('-');
        return (dash < 0) ? new EntryId(Long.parseLong(text), 0)
            : new EntryId(Long.parseLong(text.substring(0, dash)), Long.parseLong(text.substring(dash + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Not a stream entry id: '" + text + "'", e);
      }
    }

    @Override
    public int compareTo(EntryId other) {
      int byMillis = Long.compare(millis, other.millis);
      return (byMillis != 0) ? byMillis : Long.compare(sequence, other.sequence);
    }

    @Override
    public String toString() {
      return millis + "-" + sequence;
    }
  }

  /** One stream: its entries in id order and its groups. */
  private static final class Stream {
    final TreeMap<EntryId, Map<String, String>> entries = new TreeMap<>();
    final Map<String, Group> groups = new LinkedHashMap<>();
    EntryId last = EntryId.ZERO;

    EntryId nextId(long nowMillis) {
      last = (nowMillis > last.millis) ? new EntryId(nowMillis, 0) : new EntryId(last.millis, last.sequence + 1);
      return last;
    }

    EntryId lastId() {
      return last;
    }
  }

  /** A consumer group of one stream: the last id it was given and what its members have not acknowledged. */
  private static final class Group {
    final Stream stream;
    final TreeMap<EntryId, Delivery> pending = new TreeMap<>();
    EntryId lastDelivered;

    Group(Stream stream, EntryId lastDelivered) {
      this.stream = stream;
      this.lastDelivered = lastDelivered;
    }
  }

  /** Who holds a pending entry, since when (ticker time) and how often it was delivered. */
  private record Delivery(String consumer, long at, long count) {}
}
