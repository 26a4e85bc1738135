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
  final LongAdder invalidationsSent = new LongAdder();
  final LongAdder invalidationsReceived = new LongAdder();
  final LongAdder l2Errors = new LongAdder();
  final LongAdder corruptValues = new LongAdder();

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

  /** Returns values read from the shared tier that could not be decoded and were treated as misses. */
  public long corruptValues() {
    return corruptValues.sum();
  }

  /** Returns every counter by name, in a stable order. */
  public Map<String, Long> asMap() {
    Map<String, Long> map = new LinkedHashMap<>();
    map.put("l1.hits", l1Hits());
    map.put("l2.hits", l2Hits());
    map.put("misses", misses());
    map.put("promotions", promotions());
    map.put("invalidations.sent", invalidationsSent());
    map.put("invalidations.received", invalidationsReceived());
    map.put("l2.errors", l2Errors());
    map.put("corrupt.values", corruptValues());
    return map;
  }

  @Override
  public String toString() {
    return asMap().toString();
  }
}
