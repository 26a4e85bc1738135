package io.multitier.jcache.frameworks;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Configuration files for a test: a class-path resource copied into a temporary directory with
 * {@code ${redis.address}} replaced, because the test's {@code redis-server} listens on a port
 * chosen at run time. Deletes the directory on {@link #close()}.
 */
public final class ConfigFiles implements AutoCloseable {

  private final Path directory;

  public ConfigFiles() {
    try {
      directory = Files.createTempDirectory("frameworks-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the resource to a file named {@code fileName}, with the Redis address filled in; returns its {@code file:} URI. */
  public URI fromTemplate(String resource, String fileName, String redisAddress) {
    String text;
    try (InputStream in = ConfigFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no class-path resource " + resource);
      }
      text = new String(in.readAllBytes(), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path file = directory.resolve(fileName);
    try {
      Files.writeString(file, text.replace("${redis.address}", redisAddress), UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file.toUri();
  }

  /** Returns the directory the files are written to. */
  public Path directory() {
    return directory;
  }

  /** The same server's address spelt with {@code localhost}: a second Redisson client for a second node in this JVM. */
  public static String otherSpelling(String address) {
    return address.replace("127.0.0.1", "localhost");
  }

  @Override
  public void close() {
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
