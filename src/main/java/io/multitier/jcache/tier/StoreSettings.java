package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.configuration.DegradationPolicy;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What the engine of one tiered cache is told at creation.
 *
 * @param degradation what reads do while the authoritative tier fails
 * @param maxKeyBytes the longest encoded key sent to it
 * @param maxValueBytes the largest encoded value sent to it
 * @param writesThrough whether every write takes the key's lease, because the cache writes through
 * @param writeLease the longest a write holds a key's lease
 * @param stampedeLease the longest a load of a missing key holds its lease, or {@code null} for none
 */
record StoreSettings(DegradationPolicy degradation, int maxKeyBytes, int maxValueBytes,
    boolean writesThrough, Duration writeLease, @Nullable Duration stampedeLease) {

  StoreSettings {
    requireNonNull(degradation, "degradation");
    requireNonNull(writeLease, "writeLease");
  }
}
