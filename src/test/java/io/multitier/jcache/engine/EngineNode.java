package io.multitier.jcache.engine;

import io.multitier.jcache.testing.NodeProtocol;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * The other JVM of the engine tests, started by {@link io.multitier.jcache.testing.ChildJvm} with
 * two arguments: the CacheManager's configuration file and the port of the test's redis-server
 * (for {@link Resp}). It answers {@link NodeProtocol} commands:
 *
 * <pre>
 * increments CACHE THREADS PER_THREAD KEYS BARRIER   -> @ok
 * replaces CACHE THREADS ATTEMPTS KEYS BARRIER       -> @k0=N,k1=N,... (accepted replaces per key)
 * invokeAtOnce CACHE KEY THREADS BARRIER             -> @VALUE,VALUE,...
 * getAtOnce CACHE KEY THREADS BARRIER                -> @VALUE,VALUE,...
 * </pre>
 *
 * See {@link Workloads} for what each command does.
 */
public final class EngineNode {

  private EngineNode() {}

  public static void main(String[] args) throws IOException {
    System.setProperty(Resp.PORT, args[1]);
    CacheManager manager = Caching.getCachingProvider()
        .getCacheManager(URI.create(args[0]), EngineNode.class.getClassLoader());
    NodeProtocol.serve(List.of(manager), 0, (parts, out) -> {
      switch (parts[0]) {
        case "increments":
          Workloads.increments(manager.getCache(parts[1], String.class, Integer.class),
              Integer.parseInt(parts[2]), Integer.parseInt(parts[3]), Integer.parseInt(parts[4]), parts[5]);
          return "ok";
        case "replaces":
          return Workloads.formatCounts(Workloads.replaces(manager.getCache(parts[1], String.class, Integer.class),
              Integer.parseInt(parts[2]), Integer.parseInt(parts[3]), Integer.parseInt(parts[4]), parts[5]));
        case "invokeAtOnce":
          return String.join(",", Workloads.invokeAtOnce(strings(manager, parts[1]), parts[2],
              Integer.parseInt(parts[3]), parts[4]));
        case "getAtOnce":
          return String.join(",", Workloads.getAtOnce(strings(manager, parts[1]), parts[2],
              Integer.parseInt(parts[3]), parts[4]));
        default:
          return null;
      }
    });
  }

  private static Cache<String, String> strings(CacheManager manager, String name) {
    return manager.getCache(name, String.class, String.class);
  }
}
