package io.multitier.jcache.spi;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A tier behind the in-process one, usually shared between JVMs.
 *
 * <p>Adds what promotion and coherence need: the remaining time to live of what was read, so a
 * faster tier never keeps a copy longer than this one, and notice of keys that other writers
 * changed, so faster tiers can drop their copies.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface L2CacheBackend<K, V> extends CacheBackend<K, V> {

  /**
   * Returns the tier's dictionary of class names, if it keeps one: values written through it name
   * their classes by a short reference. Without one (the default) values spell their class names out.
   */
  default Optional<ClassDictionary> classDictionary() {
    return Optional.empty();
  }

  /**
   * Returns whether this client goes on being told of changes to a key it wrote, so that a faster
   * tier may keep a copy of what it writes (the default). A tier that answers {@code false} tells
   * of later changes only to keys this client read or put if absent: writes other than
   * {@link #putIfAbsent} then leave no copy in the faster tiers.
   */
  default boolean tellsWriters() {
    return true;
  }

  /** Returns the value and its remaining time to live, or {@code null} if absent or expired. */
  @Nullable ValueWithTtl<V> getWithTtl(K key);

  /** Returns the present values of the keys with their remaining time to live, in one round trip if possible. */
  default Map<K, ValueWithTtl<V>> getAllWithTtl(Collection<? extends K> keys) {
    Map<K, ValueWithTtl<V>> found = new HashMap<>();
    for (K key : keys) {
      ValueWithTtl<V> value = getWithTtl(key);
      if (value != null) {
        found.put(key, value);
      }
    }
    return found;
  }

  /**
   * Does {@link #getWithTtl} without holding the calling thread while the tier answers; a failure,
   * such as a {@link BackendException}, is the stage's, never thrown. The default calls
   * {@link #getWithTtl} on the calling thread and returns its completed (or failed) stage: a backend
   * that can answer asynchronously overrides it.
   */
  default CompletionStage<@Nullable ValueWithTtl<V>> getWithTtlAsync(K key) {
    try {
      return CompletableFuture.completedFuture(getWithTtl(key));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Does {@link #getAllWithTtl} without holding the calling thread while the tier answers, as
   * {@link #getWithTtlAsync} does; the default calls {@link #getAllWithTtl} on the calling thread.
   */
  default CompletionStage<Map<K, ValueWithTtl<V>>> getAllWithTtlAsync(Collection<? extends K> keys) {
    try {
      return CompletableFuture.completedFuture(getAllWithTtl(keys));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Takes the short lease that lets one client in the whole cluster load a missing key, for
   * {@code lease.owner()} and at most {@code lease.ttl()} (a lease, not {@link Lease#none()}); returns
   * whether that owner holds it. A backend that cannot lease lets every client load (the default).
   */
  default boolean acquireLease(K key, Lease lease) {
    return true;
  }

  /** Gives the lease back if its owner still holds it. */
  default void releaseLease(K key, Lease lease) {}

  /**
   * Reads the entry for an atomic step and, in the same round trip where the backend can, takes the
   * key's {@code lease} (not {@link Lease#none()}) as {@code when} says. While another owner holds the lease the answer is
   * {@link ReadForUpdate#blockedByAnother()}. The default takes two calls.
   */
  default ReadForUpdate<V> readForUpdate(K key, Lease lease, LeaseWhen when) {
    if (when == LeaseWhen.IF_ABSENT) {
      ValueWithTtl<V> present = getWithTtl(key);
      if (present != null) {
        return ReadForUpdate.unleased(present);
      }
    }
    return acquireLease(key, lease) ? ReadForUpdate.leased(getWithTtl(key))
        : ReadForUpdate.blockedByAnother();
  }

  /**
   * Carries out an atomic step's {@code change} if the entry is still what the step read
   * ({@code expected}); with a {@code lease} other than {@link Lease#none()}, nothing is done while
   * another owner holds the key's lease, and the lease is given back in the same round trip where
   * the backend can. Other clients are told of a change. Returns whether the entry was as expected
   * (and so changed).
   */
  default boolean commit(K key, Expected<V> expected, Change<V> change, Lease lease) {
    if (!lease.isNone() && !acquireLease(key, lease)) {
      return false;
    }
    try {
      if (change.isRemove()) {
        return expected.isAbsent() || remove(key, expected.value());
      }
      return expected.isAbsent() ? putIfAbsent(key, change.value(), change.ttl())
          : replace(key, expected.value(), change.value(), change.ttl());
    } finally {
      if (!lease.isNone()) {
        releaseLease(key, lease);
      }
    }
  }

  /**
   * Returns whether the entry holds exactly {@code expected}: lets an atomic step that decided
   * from a copy to change nothing confirm that the copy was current. A backend that cannot compare
   * says no (the default), and the step reads the entry instead.
   */
  default boolean holds(K key, V expected) {
    return false;
  }

  /**
   * Lengthens the time to live of present entries to the given ones, never shortening one and
   * without telling other clients (their copies stay valid: the values did not change). The default
   * does nothing: entries then expire on the schedule their last write set.
   */
  default void extendAll(Map<K, Duration> ttls) {}

  /**
   * Registers the listener that hears of changes made by other clients of this store: each key
   * written or removed elsewhere, and every key when the store was cleared or the connection was
   * lost and notices may have been missed. A backend that cannot tell keeps the default, which never
   * calls it.
   */
  default void onInvalidation(InvalidationListener<K> listener) {}

  /**
   * Registers the listener of changes this JVM did not make: entries the store expired, and, if
   * the cache was opened with an event stream, every change another client made, in the order they
   * took effect. A backend that cannot tell keeps the default, which never calls it.
   */
  default void onSharedEvents(Consumer<SharedEvent<K, V>> listener) {}
}
