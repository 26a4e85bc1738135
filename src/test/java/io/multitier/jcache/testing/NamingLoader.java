package io.multitier.jcache.testing;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import javax.cache.integration.CacheLoader;

/** A loader that answers "loaded KEY" for every key, to tell loaded values from stored ones. */
public final class NamingLoader implements CacheLoader<String, String>, Serializable {
  private static final long serialVersionUID = 1L;

  @Override
  public String load(String key) {
    return "loaded " + key;
  }

  @Override
  public Map<String, String> loadAll(Iterable<? extends String> keys) {
    Map<String, String> loaded = new HashMap<>();
    keys.forEach(key -> loaded.put(key, load(key)));
    return loaded;
  }
}
