package io.multitier.jcache.tier;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of what the tiers did for one cache: hits per tier, promotions, invalidations, errors. */
public final class TierStatistics {

  final LongAdder l1Hits = new LongAdder();
  final LongAdder l2Hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder promotions = new LongAdder();
  final LongAdder lowerHits = new LongAdder();
  final LongAdder invalidationsSent = new LongAdder();
  final LongAdder invalidationsReceived = new LongAdder();
  final LongAdder l2Errors = new LongAdder();
  final LongAdder corruptValues = new LongAdder();
  final LongAdder degradedReads = new LongAdder();
  final LongAdder l1Flushes = new LongAdder();
  final LongAdder rejectedEntries = new LongAdder();
  final LongAdder ttlExtensions = new LongAdder();
  final LongAdder refusedClasses = new LongAdder();
  final LongAdder leaseWaits = new LongAdder();
  final LongAdder unvouchedHits = new LongAdder();
  private volatile boolean readsCounted;

  /** Creates counters that count everything. */
  TierStatistics() {
    this(true);
  }

  /** Creates counters that count reads (L1 hits and misses) only if {@code readsCounted}, until {@link #countReads()}. */
  TierStatistics(boolean readsCounted) {
    this.readsCounted = readsCounted;
  }

  /**
   * Starts counting reads. An L1-only cache counts its L1 hits and misses only from then on (when
   * its JCache statistics are enabled or {@code TierMetrics} is bound to it), so that a hit costs
   * no shared counter; a tiered cache counts them always.
   */
  public void countReads() {
    readsCounted = true;
  }

  boolean readsCounted() {
    return readsCounted;
  }

  /** Returns reads answered by the in-process tier. */
  public long l1Hits() {
    return l1Hits.sum();
  }

  /** Returns reads answered by the shared tier. */
  public long l2Hits() {
    return l2Hits.sum();
  }

  /** Returns reads that no tier could answer. */
  public long misses() {
    return misses.sum();
  }

  /** Returns reads answered by a tier below the shared one (L3 and further). */
  public long lowerHits() {
    return lowerHits.sum();
  }

  /** Returns values copied from the shared tier into the in-process one. */
  public long promotions() {
    return promotions.sum();
  }

  /** Returns writes that told other JVMs to drop their copy. */
  public long invalidationsSent() {
    return invalidationsSent.sum();
  }

  /** Returns notices from other JVMs that dropped a local copy. */
  public long invalidationsReceived() {
    return invalidationsReceived.sum();
  }

  /** Returns operations on the shared tier that failed. */
  public long l2Errors() {
    return l2Errors.sum();
  }

  /** Returns values read from the shared tier that could not be decoded (corrupt, of another codec, or refused by the allow-list) and were treated as misses. */
  public long corruptValues() {
    return corruptValues.sum();
  }

  /** Returns reads answered without the shared tier because it failed (policy SERVE_LOCAL). */
  public long degradedReads() {
    return degradedReads.sum();
  }

  /** Returns how many times every L1 copy was dropped at once (clear, restored subscription, recovery, a lost notice, the staleness bound). */
  public long l1Flushes() {
    return l1Flushes.sum();
  }

  /** Returns keys and values refused for their size before anything was written. */
  public long rejectedEntries() {
    return rejectedEntries.sum();
  }

  /** Returns the entries whose time to live in the shared tier was lengthened after reads (access expiry), without a notice. */
  public long ttlExtensions() {
    return ttlExtensions.sum();
  }

  /** Returns the values read from the shared tier whose class {@code allowedClasses} does not allow (each also counts in {@link #corruptValues}): each read was a miss. */
  public long refusedClasses() {
    return refusedClasses.sum();
  }

  /** Returns how often an atomic step waited because another client held the key's lease. */
  public long leaseWaits() {
    return leaseWaits.sum();
  }

  /**
   * Returns the L1 hits served while this JVM could not vouch that it hears every change (no
   * answer from Redis within the staleness bound; policy SERVE_LOCAL): each value may have been stale.
   */
  public long unvouchedHits() {
    return unvouchedHits.sum();
  }

  /** Returns every counter by name, in a stable order. */
  public Map<String, Long> asMap() {
    Map<String, Long> map = new LinkedHashMap<>();
    map.put("l1.hits", l1Hits());
    map.put("l2.hits", l2Hits());
    map.put("misses", misses());
    map.put("lower.hits", lowerHits());
    map.put("promotions", promotions());
    map.put("invalidations.sent", invalidationsSent());
    map.put("invalidations.received", invalidationsReceived());
    map.put("l2.errors", l2Errors());
    map.put("corrupt.values", corruptValues());
    map.put("l2.degraded", degradedReads());
    map.put("l1.flushes", l1Flushes());
    map.put("rejected.entries", rejectedEntries());
    map.put("ttl.extensions", ttlExtensions());
    map.put("refused.classes", refusedClasses());
    map.put("lease.waits", leaseWaits());
    map.put("l1.unvouched", unvouchedHits());
    return map;
  }

  @Override
  public String toString() {
    return asMap().toString();
  }
}
