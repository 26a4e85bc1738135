package io.multitier.jcache.tier;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine's one striping of keys: a key's stripe picks its lock (writes to one key within this
 * JVM are serialised by it) and, in {@link NearTier}, its invalidation epoch.
 */
final class Stripes {

  /** How many stripes there are; a power of two. */
  static final int COUNT = 1024;

  private final ReentrantLock[] locks = new ReentrantLock[COUNT];

  Stripes() {
    for (int i = 0; i < COUNT; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /** Returns the key's stripe, from {@code 0} to {@code COUNT - 1}; the hash's high bits are spread into the low ones. */
  static int of(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (COUNT - 1);
  }

  /** Returns the lock of the key's stripe. */
  ReentrantLock lock(Object key) {
    return locks[of(key)];
  }

  /** Returns the locks of the keys' stripes, each once, in stripe order so that no two writers deadlock. */
  List<ReentrantLock> locks(Collection<?> keys) {
    TreeSet<Integer> stripes = new TreeSet<>();
    keys.forEach(key -> stripes.add(of(key)));
    List<ReentrantLock> ordered = new ArrayList<>(stripes.size());
    stripes.forEach(stripe -> ordered.add(locks[stripe]));
    return ordered;
  }
}
