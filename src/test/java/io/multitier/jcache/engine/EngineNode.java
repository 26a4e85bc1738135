package io.multitier.jcache.engine;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * The other JVM of the engine tests, started by {@link io.multitier.jcache.testing.ChildJvm} with
 * two arguments: the CacheManager's configuration file and the port of the test's redis-server
 * (for {@link Resp}). It answers line commands on stdin, one {@code @}-reply line each on stdout:
 *
 * <pre>
 * increments CACHE THREADS PER_THREAD KEYS BARRIER   -> @ok
 * replaces CACHE THREADS ATTEMPTS KEYS BARRIER       -> @k0=N,k1=N,... (accepted replaces per key)
 * invokeAtOnce CACHE KEY THREADS BARRIER             -> @VALUE,VALUE,...
 * getAtOnce CACHE KEY THREADS BARRIER                -> @VALUE,VALUE,...
 * quit                                               -> @bye, then exits
 * </pre>
 *
 * A failure answers {@code @error ...}. See {@link Workloads} for what each command does.
 */
public final class EngineNode {

  private EngineNode() {}

  public static void main(String[] args) throws IOException {
    System.setProperty(Resp.PORT, args[1]);
    PrintStream out = new PrintStream(System.out, true, UTF_8);
    CacheManager manager = Caching.getCachingProvider()
        .getCacheManager(URI.create(args[0]), EngineNode.class.getClassLoader());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
    out.println("@ready");
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] parts = line.split(" ");
      try {
        switch (parts[0]) {
          case "increments":
            Workloads.increments(manager.getCache(parts[1], String.class, Integer.class),
                Integer.parseInt(parts[2]), Integer.parseInt(parts[3]), Integer.parseInt(parts[4]), parts[5]);
            out.println("@ok");
            break;
          case "replaces":
            out.println("@" + Workloads.formatCounts(Workloads.replaces(
                manager.getCache(parts[1], String.class, Integer.class),
                Integer.parseInt(parts[2]), Integer.parseInt(parts[3]), Integer.parseInt(parts[4]), parts[5])));
            break;
          case "invokeAtOnce":
            out.println("@" + String.join(",", Workloads.invokeAtOnce(strings(manager, parts[1]), parts[2],
                Integer.parseInt(parts[3]), parts[4])));
            break;
          case "getAtOnce":
            out.println("@" + String.join(",", Workloads.getAtOnce(strings(manager, parts[1]), parts[2],
                Integer.parseInt(parts[3]), parts[4])));
            break;
          case "quit":
            manager.close();
            out.println("@bye");
            System.exit(0);
            break;
          default:
            out.println("@error unknown command: " + line);
        }
      } catch (RuntimeException e) {
        out.println("@error " + e.toString().replace('\n', ' '));
      }
    }
    manager.close();
    System.exit(0);
  }

  private static Cache<String, String> strings(CacheManager manager, String name) {
    return manager.getCache(name, String.class, String.class);
  }
}
