package io.multitier.jcache.tiered;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.multitier.jcache.TieredCache;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;

/**
 * A child JVM for {@link CodecTest}, in {@link CacheNode}'s protocol, whose values are
 * {@link CodecTest.Profile}s built from a seed (a cache the file does not declare is created with the file's defaults):
 *
 * <pre>
 * put CACHE KEY SEED    -> @ok
 * check CACHE KEY SEED  -> @equal | @null | @different VALUE
 * corrupt CACHE         -> @N (the cache's corrupt.values)
 * quit
 * </pre>
 */
public final class CodecNode {

  private CodecNode() {}

  public static void main(String[] args) throws IOException {
    CacheManager manager = Caching.getCachingProvider()
        .getCacheManager(URI.create(args[0]), CodecNode.class.getClassLoader());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
    System.out.println("@ready");
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] parts = line.split(" ");
      try {
        Cache<String, Object> cache = manager.getCache(parts[1]);
        if (cache == null) {
          cache = manager.createCache(parts[1], new MutableConfiguration<>());
        }
        switch (parts[0]) {
          case "put":
            cache.put(parts[2], CodecTest.Profile.of(Integer.parseInt(parts[3])));
            System.out.println("@ok");
            break;
          case "check": {
            Object value = cache.get(parts[2]);
            System.out.println((value == null) ? "@null"
                : value.equals(CodecTest.Profile.of(Integer.parseInt(parts[3]))) ? "@equal" : "@different " + value);
            break;
          }
          case "corrupt":
            System.out.println("@" + cache.unwrap(TieredCache.class).tierStatistics().corruptValues());
            break;
          case "quit":
            manager.close();
            System.out.println("@bye");
            return;
          default:
            System.out.println("@error unknown command " + parts[0]);
        }
      } catch (RuntimeException e) {
        System.out.println("@error " + e);
      }
    }
  }
}
