package io.multitier.jcache.tiered;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.multitier.jcache.testing.RedisServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * Tiered CacheManagers for a test, each reading its own YAML file in a temporary directory; closes
 * them all and deletes the files at the end.
 *
 * <p>CacheManagers whose files have equal {@code redis} settings share one Redisson client. To get
 * a separate client for the same server, {@link #separateClient} points the file at a Redisson YAML
 * file instead of giving the address, which makes the settings differ while the server and the key
 * prefix stay the same.
 */
final class Managers implements AutoCloseable {

  private final Path directory;
  private final List<CacheManager> opened = new ArrayList<>();
  private int files;

  Managers() {
    try {
      directory = Files.createTempDirectory("tiered-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code redis:} section of a CacheManager that shares the default client of the server. */
  static String sharedClient(RedisServer server, String keyPrefix) {
    return "redis:\n"
        + "  address: " + server.address() + "\n"
        + "  keyPrefix: \"" + keyPrefix + "\"\n";
  }

  /**
   * The {@code redis:} section of a CacheManager with a Redisson client of its own: a Redisson file
   * (also written here) with the given single-server settings, one per distinct {@code tag}.
   */
  String separateClient(RedisServer server, String keyPrefix, String tag, String singleServerSettings) {
    Path redisson = write("redisson-" + tag + ".yaml", "singleServerConfig:\n"
        + "  address: \"" + server.address() + "\"\n"
        + singleServerSettings.indent(2)
        + "threads: 4\n"
        + "nettyThreads: 4\n");
    return "redis:\n"
        + "  redissonConfig: \"" + redisson.toUri() + "\"\n"
        + "  keyPrefix: \"" + keyPrefix + "\"\n";
  }

  /** Opens a CacheManager on a new file with this content. */
  CacheManager open(String yaml) {
    Path file = write("manager-" + (++files) + ".yaml", yaml);
    CacheManager manager = Caching.getCachingProvider().getCacheManager(file.toUri(), Managers.class.getClassLoader());
    opened.add(manager);
    return manager;
  }

  /** Writes a file into the directory and returns its path. */
  Path write(String name, String content) {
    Path file = directory.resolve(name);
    try {
      Files.writeString(file, content, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Returns the URI of a file written here. */
  URI uri(String name) {
    return directory.resolve(name).toUri();
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
