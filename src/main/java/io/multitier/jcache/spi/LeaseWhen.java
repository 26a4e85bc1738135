package io.multitier.jcache.spi;

/** When {@link L2CacheBackend#readForUpdate} takes the key's lease. */
public enum LeaseWhen {
  /** Whether or not the entry is present: the step's decision is then final, as a writer needs. */
  ALWAYS,
  /** Only when the entry is absent: another client's load waits, a present entry is read as it is. */
  IF_ABSENT
}
