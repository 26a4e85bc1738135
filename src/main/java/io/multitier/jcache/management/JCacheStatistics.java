package io.multitier.jcache.management;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * The JSR-107 statistics of one cache, timed on the cache's {@link Ticker}; recording does nothing
 * while statistics are off.
 */
public final class JCacheStatistics implements CacheStatisticsMXBean {

  /** The start of an operation that is not timed, because statistics were off when it began. */
  private static final long NOT_TIMED = Long.MIN_VALUE;

  private final Ticker ticker;

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder removals = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder getTimeNanos = new LongAdder();
  private final LongAdder putTimeNanos = new LongAdder();
  private final LongAdder removeTimeNanos = new LongAdder();
  private volatile boolean enabled;

  /** Creates the statistics of a cache whose operations are timed on the ticker. */
  public JCacheStatistics(Ticker ticker) {
    this.ticker = requireNonNull(ticker, "ticker");
  }

  /** Turns recording on or off; the counts are kept. */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** Counts reads that found a value. */
  public void recordHits(long count) {
    add(hits, count);
  }

  /** Counts reads that found nothing. */
  public void recordMisses(long count) {
    add(misses, count);
  }

  /** Counts values stored. */
  public void recordPuts(long count) {
    add(puts, count);
  }

  /** Counts entries removed by the application. */
  public void recordRemovals(long count) {
    add(removals, count);
  }

  /** Counts entries evicted to respect the size bound. */
  public void recordEvictions(long count) {
    add(evictions, count);
  }

  /** The averages an operation's time counts in. */
  public enum Timing { GET, PUT, REMOVE, GET_AND_PUT, GET_AND_REMOVE }

  /** Returns the start of an operation, for {@link #recordTimeSince}. */
  public long start() {
    return enabled ? ticker.read() : NOT_TIMED;
  }

  /** Adds the time an operation took that began at {@code start} to the averages it counts in. */
  public void recordTimeSince(long start, Timing timing) {
    if (start == NOT_TIMED) {
      return;
    }
    long nanos = ticker.read() - start;
    switch (timing) {
      case GET -> add(getTimeNanos, nanos);
      case PUT -> add(putTimeNanos, nanos);
      case REMOVE -> add(removeTimeNanos, nanos);
      case GET_AND_PUT -> {
        add(getTimeNanos, nanos);
        add(putTimeNanos, nanos);
      }
      case GET_AND_REMOVE -> {
        add(getTimeNanos, nanos);
        add(removeTimeNanos, nanos);
      }
    }
  }

  private void add(LongAdder adder, long count) {
    if (enabled && count != 0) {
      adder.add(count);
    }
  }

  @Override
  public void clear() {
    for (LongAdder adder : new LongAdder[] {hits, misses, puts, removals, evictions,
        getTimeNanos, putTimeNanos, removeTimeNanos}) {
      adder.reset();
    }
  }

  @Override
  public long getCacheHits() {
    return hits.sum();
  }

  @Override
  public float getCacheHitPercentage() {
    long hitCount = getCacheHits();
    long requests = hitCount + getCacheMisses();
    return (requests == 0) ? 0f : 100f * hitCount / requests;
  }

  @Override
  public long getCacheMisses() {
    return misses.sum();
  }

  @Override
  public float getCacheMissPercentage() {
    long missCount = getCacheMisses();
    long requests = missCount + getCacheHits();
    return (requests == 0) ? 0f : 100f * missCount / requests;
  }

  @Override
  public long getCacheGets() {
    return getCacheHits() + getCacheMisses();
  }

  @Override
  public long getCachePuts() {
    return puts.sum();
  }

  @Override
  public long getCacheRemovals() {
    return removals.sum();
  }

  @Override
  public long getCacheEvictions() {
    return evictions.sum();
  }

  @Override
  public float getAverageGetTime() {
    return averageMicros(getTimeNanos.sum(), getCacheGets());
  }

  @Override
  public float getAveragePutTime() {
    return averageMicros(putTimeNanos.sum(), getCachePuts());
  }

  @Override
  public float getAverageRemoveTime() {
    return averageMicros(removeTimeNanos.sum(), getCacheRemovals());
  }

  private static float averageMicros(long totalNanos, long count) {
    return (count == 0) ? 0f : (float) TimeUnit.NANOSECONDS.toMicros(totalNanos) / count;
  }
}
