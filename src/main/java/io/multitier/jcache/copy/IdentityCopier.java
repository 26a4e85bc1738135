package io.multitier.jcache.copy;

/** Store-by-reference: hands back the object itself. */
enum IdentityCopier implements Copier {
  INSTANCE;

  @Override
  public <T> T copy(T object, ClassLoader classLoader) {
    return object;
  }
}
