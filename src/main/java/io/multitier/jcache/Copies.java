package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.copy.Copier;
import org.jspecify.annotations.Nullable;

/** Copies keys and values into and out of a cache: copies when it stores by value, the objects themselves when by reference. */
final class Copies {

  private final Copier copier;
  private final ClassLoader classLoader;

  Copies(Copier copier, ClassLoader classLoader) {
    this.copier = requireNonNull(copier);
    this.classLoader = classLoader;
  }

  /** Returns what the cache keeps of an object the caller gave. */
  <T> T in(T object) {
    return copier.copy(object, classLoader);
  }

  /** Returns what the caller receives of an object the cache keeps. */
  <T> T out(T object) {
    return copier.copy(object, classLoader);
  }

  /** Returns what the caller receives of an object the cache keeps, or {@code null} for none. */
  <T> @Nullable T outOrNull(@Nullable T object) {
    return (object == null) ? null : copier.copy(object, classLoader);
  }
}
