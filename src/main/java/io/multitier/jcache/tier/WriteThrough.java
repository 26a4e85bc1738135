package io.multitier.jcache.tier;

/**
 * The call that tells the cache's {@code CacheWriter} of one change. The engine makes it once,
 * before it commits the change; if it throws, nothing changes.
 */
@FunctionalInterface
public interface WriteThrough {

  /** Tells the writer. */
  void tell();

  /** Returns the call of a cache without a writer: it tells nobody. */
  static WriteThrough none() {
    return Nobody.INSTANCE;
  }

  /** The call of a cache without a writer. */
  enum Nobody implements WriteThrough {
    INSTANCE;

    @Override
    public void tell() {}
  }
}
