package io.multitier.bench;

import java.util.Map;
import java.util.Set;

/**
 * One cache under test, seen through the operations the workloads use. Each JMH trial runs in a
 * fork of its own with one contender, so every call site below sees a single implementation.
 */
public interface Contender extends AutoCloseable {

  byte[] get(String key);

  void put(String key, byte[] value);

  Map<String, byte[]> getAll(Set<String> keys);

  void putAll(Map<String, byte[]> entries);

  boolean remove(String key);

  /**
   * An atomic read and write of one entry: JCache's {@code invoke} with {@link Contenders.Swap},
   * which reads the value and replaces it by {@code value}; returns the length of the value read
   * (-1 when absent). Raw Redisson: {@code RBucket.getAndSet} (one GETSET).
   */
  int invoke(String key, byte[] value);

  /** Stores many entries fast (setup only, not measured). */
  void fill(Map<String, byte[]> entries);

  @Override
  void close();
}
