package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.L2CacheBackend;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lengthens entries' times to live in the authoritative tier after reads under an access-expiry
 * rule, off the reader's thread: extensions asked for within {@link #DELAY_MS} go in one batch (one
 * round trip per cache), and none tells other JVMs anything, since no value changed. A batch that
 * fails is dropped: those entries then expire on the schedule of their last extension or write.
 */
final class TtlExtender {

  /** How long an extension may wait to share a batch with others. */
  static final long DELAY_MS = 20;

  private static final Logger logger = LoggerFactory.getLogger(TtlExtender.class);

  private final L2CacheBackend<String, byte[]> l2;
  private final TierStatistics statistics;
  private final Map<String, Duration> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  TtlExtender(L2CacheBackend<String, byte[]> l2, TierStatistics statistics) {
    this.l2 = requireNonNull(l2, "l2");
    this.statistics = requireNonNull(statistics, "statistics");
  }

  /** Asks for the encoded key to live at least {@code ttl} from when the batch is sent. */
  void extend(String encodedKey, Duration ttl) {
    pending.merge(encodedKey, ttl, (a, b) -> a.compareTo(b) >= 0 ? a : b);
    if (scheduled.compareAndSet(false, true)) {
      Daemon.SCHEDULER.schedule(this::flush, DELAY_MS, TimeUnit.MILLISECONDS);
    }
  }

  /** Sends what is pending now. */
  void flush() {
    scheduled.set(false);
    Map<String, Duration> batch = new HashMap<>();
    for (String key : pending.keySet()) {
      Duration ttl = pending.remove(key);
      if (ttl != null) {
        batch.put(key, ttl);
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      l2.extendAll(batch);
      statistics.ttlExtensions.add(batch.size());
    } catch (RuntimeException e) {
      statistics.l2Errors.increment();
      logger.debug("{} could not extend {} entries after reads: {}", l2.name(), batch.size(), e.toString());
    }
  }
}
