package io.multitier.jcache.expiry;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.Ttl;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a JCache {@link ExpiryPolicy} for times to live in the backend SPI's terms: a positive
 * duration, {@link Ttl#ETERNAL}, {@link Duration#ZERO} (expired now) or {@link Ttl#UNCHANGED}.
 *
 * <p>A policy that throws gets the documented defaults: eternal on creation, unchanged on access
 * and update; the operation itself goes on. The five policies of {@code javax.cache.expiry} always
 * answer the same, so they are asked once and their answers reused.
 */
public final class ExpiryCalculator {

  private static final Logger logger = LoggerFactory.getLogger(ExpiryCalculator.class);

  private final ExpiryPolicy policy;
  private final @Nullable Answers fixed;

  /** Wraps the policy. */
  public ExpiryCalculator(ExpiryPolicy policy) {
    this.policy = requireNonNull(policy, "policy");
    boolean constant = policy instanceof EternalExpiryPolicy || policy instanceof CreatedExpiryPolicy
        || policy instanceof ModifiedExpiryPolicy || policy instanceof AccessedExpiryPolicy
        || policy instanceof TouchedExpiryPolicy;
    this.fixed = constant ? new Answers(askCreation(), askUpdate(), askAccess()) : null;
  }

  /** The answers of a policy that always answers the same. */
  private record Answers(Duration creation, Duration update, Duration access) {}

  /** Returns the policy. */
  public ExpiryPolicy policy() {
    return policy;
  }

  /** Returns whether the answers never change, so they may be computed before an atomic step. */
  public boolean isFixed() {
    return fixed != null;
  }

  /** Returns whether no entry can ever get a finite time to live: the policy answers eternal or unchanged, always. */
  public boolean neverExpires() {
    return fixed != null && Ttl.isEternal(fixed.creation()) && !isFinite(fixed.update())
        && !isFinite(fixed.access());
  }

  /** Returns whether an access never changes an entry's expiry: the policy answers unchanged, always. */
  public boolean ignoresAccess() {
    return fixed != null && Ttl.isUnchanged(fixed.access());
  }

  private static boolean isFinite(Duration ttl) {
    return !Ttl.isEternal(ttl) && !Ttl.isUnchanged(ttl);
  }

  /** Returns the time to live of a new entry. */
  public Duration creation() {
    return (fixed != null) ? fixed.creation() : askCreation();
  }

  /** Returns the time to live after an update, or {@link Ttl#UNCHANGED}. */
  public Duration update() {
    return (fixed != null) ? fixed.update() : askUpdate();
  }

  /** Returns the time to live after a read, or {@link Ttl#UNCHANGED}. */
  public Duration access() {
    return (fixed != null) ? fixed.access() : askAccess();
  }

  private Duration askCreation() {
    try {
      Duration ttl = convert(policy.getExpiryForCreation());
      return Ttl.isUnchanged(ttl) ? Ttl.ETERNAL : ttl;
    } catch (RuntimeException e) {
      logger.warn("The expiry policy failed on creation; the entry does not expire", e);
      return Ttl.ETERNAL;
    }
  }

  private Duration askUpdate() {
    try {
      return convert(policy.getExpiryForUpdate());
    } catch (RuntimeException e) {
      logger.warn("The expiry policy failed on update; the expiry is unchanged", e);
      return Ttl.UNCHANGED;
    }
  }

  private Duration askAccess() {
    try {
      return convert(policy.getExpiryForAccess());
    } catch (RuntimeException e) {
      logger.warn("The expiry policy failed on access; the expiry is unchanged", e);
      return Ttl.UNCHANGED;
    }
  }

  /** Converts a JCache duration: {@code null} is unchanged, eternal is {@link Ttl#ETERNAL}. */
  static Duration convert(javax.cache.expiry.@Nullable Duration duration) {
    if (duration == null) {
      return Ttl.UNCHANGED;
    }
    if (duration.isEternal()) {
      return Ttl.ETERNAL;
    }
    if (duration.isZero()) {
      return Duration.ZERO;
    }
    try {
      return Duration.of(duration.getDurationAmount(), toChronoUnit(duration));
    } catch (ArithmeticException tooLong) {
      return Ttl.ETERNAL;
    }
  }

  private static ChronoUnit toChronoUnit(javax.cache.expiry.Duration duration) {
    switch (duration.getTimeUnit()) {
      case NANOSECONDS: return ChronoUnit.NANOS;
      case MICROSECONDS: return ChronoUnit.MICROS;
      case MILLISECONDS: return ChronoUnit.MILLIS;
      case SECONDS: return ChronoUnit.SECONDS;
      case MINUTES: return ChronoUnit.MINUTES;
      case HOURS: return ChronoUnit.HOURS;
      default: return ChronoUnit.DAYS;
    }
  }
}
