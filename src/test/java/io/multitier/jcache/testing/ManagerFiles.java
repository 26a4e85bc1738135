package io.multitier.jcache.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * CacheManagers for a test, each reading its own YAML file in a temporary directory, each with a
 * Redisson client of its own (a Redisson file per manager); closes them all and deletes the files
 * at the end.
 */
public final class ManagerFiles implements AutoCloseable {

  /** Redisson settings for fault tests: 500 ms per attempt, one retry 100 ms later, quick reconnection. */
  public static final String SHORT_TIMEOUTS = "timeout: 500\n"
      + "connectTimeout: 500\n"
      + "retryAttempts: 1\n"
      + "retryDelay: !<org.redisson.config.EqualJitterDelay> {baseDelay: PT0.1S, maxDelay: PT0.1S}\n"
      + "reconnectionDelay: !<org.redisson.config.EqualJitterDelay> {baseDelay: PT0.1S, maxDelay: PT0.2S}\n"
      + "pingConnectionInterval: 0\n";

  private final Path directory;
  private final List<CacheManager> opened = new ArrayList<>();
  private int files;

  public ManagerFiles() {
    try {
      directory = Files.createTempDirectory("manager-files-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Returns the {@code redis:} section of a CacheManager with a Redisson client of its own, from a
   * Redisson file written here: {@code serversConfig} is the whole server part of that file
   * ({@code singleServerConfig:} or {@code clusterServersConfig:} and its settings).
   */
  public String redis(String keyPrefix, String serversConfig) {
    Path redisson = write("redisson-" + (++files) + ".yaml", serversConfig
        + "threads: 4\n"
        + "nettyThreads: 4\n");
    return "redis:\n"
        + "  redissonConfig: \"" + redisson.toUri() + "\"\n"
        + "  keyPrefix: \"" + keyPrefix + "\"\n";
  }

  /**
   * Returns this {@code redis:} section with {@code invalidation: publish}: for tests of the published
   * notices themselves (their counts, lost-notice repair, notices to JVMs that hold no copy).
   */
  public static String publishing(String redisSection) {
    return redisSection + "  invalidation: publish\n";
  }

  /**
   * Returns this {@code redis:} section with {@code writerKeepsCopy: true}: for tests of what a JVM
   * holds after its own write under the default {@code invalidation: tracking}.
   */
  public static String keepingWrites(String redisSection) {
    return redisSection + "  writerKeepsCopy: true\n";
  }

  /** Returns the {@code redis:} section of a CacheManager that shares the server's default client. */
  public static String sharedClient(RedisServer server, String keyPrefix) {
    return "redis:\n"
        + "  address: " + server.address() + "\n"
        + "  keyPrefix: \"" + keyPrefix + "\"\n";
  }

  /**
   * Returns the {@code redis:} section of a CacheManager with a Redisson client of its own for the
   * server, with these single-server settings; CacheManagers given the same {@code tag} share that
   * client (they name the same Redisson file).
   */
  public String separateClient(RedisServer server, String keyPrefix, String tag, String settings) {
    Path redisson = write("redisson-" + tag + ".yaml", "singleServerConfig:\n"
        + "  address: \"" + server.address() + "\"\n"
        + settings.indent(2)
        + "threads: 4\n"
        + "nettyThreads: 4\n");
    return "redis:\n"
        + "  redissonConfig: \"" + redisson.toUri() + "\"\n"
        + "  keyPrefix: \"" + keyPrefix + "\"\n";
  }

  /** As {@link #redis(String, String)} for one server at {@code address} with these settings. */
  public String single(String address, String keyPrefix, String settings) {
    return redis(keyPrefix, "singleServerConfig:\n  address: \"" + address + "\"\n" + settings.indent(2));
  }

  /** Opens a CacheManager on a new file with this content. */
  public CacheManager open(String yaml) {
    return openAt("manager-" + (++files) + ".yaml", yaml);
  }

  /** Opens a CacheManager on a file with this content at this path under the directory ({@code app-1.2/multitier.yaml}). */
  public CacheManager openAt(String path, String yaml) {
    Path file = write(path, yaml);
    CacheManager manager = Caching.getCachingProvider().getCacheManager(file.toUri(), ManagerFiles.class.getClassLoader());
    opened.add(manager);
    return manager;
  }

  /** Writes a file into the directory (making the folders its name has) and returns its path. */
  public Path write(String name, String content) {
    Path file = directory.resolve(name);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Returns the temporary directory. */
  public Path directory() {
    return directory;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (CacheManager manager : opened) {
      try {
        manager.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    opened.clear();
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (failure != null) {
      throw failure;
    }
  }
}
