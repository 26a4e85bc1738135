package io.multitier.bench;

import java.util.Map;
import java.util.Set;

/**
 * One cache under test, seen through the four operations the workloads use. Each JMH trial runs in a
 * fork of its own with one contender, so every call site below sees a single implementation.
 */
public interface Contender extends AutoCloseable {

  byte[] get(String key);

  void put(String key, byte[] value);

  Map<String, byte[]> getAll(Set<String> keys);

  /** Stores many entries fast (setup only, not measured). */
  void fill(Map<String, byte[]> entries);

  @Override
  void close();
}
