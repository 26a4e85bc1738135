package io.multitier.jcache.copy;

/**
 * Makes the copies that store-by-value needs: a value going into the cache and a value handed back
 * to the caller are independent of the caller's own object.
 */
@FunctionalInterface
public interface Copier {

  /** Returns a copy of the object, resolving classes through the class loader. */
  <T> T copy(T object, ClassLoader classLoader);

  /** Returns the copier of store-by-reference: the object itself. */
  static Copier identity() {
    return IdentityCopier.INSTANCE;
  }
}
