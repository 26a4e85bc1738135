package io.multitier.jcache.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Redis Sentinel for tests, watching a master as {@code mymaster} with a quorum of one: it
 * calls the master down after a second without an answer and promotes a replica. Started from
 * Debian's {@code redis-server} in sentinel mode on a free loopback port, with its configuration
 * file (which Sentinel rewrites) in a temporary directory.
 */
public final class RedisSentinel implements AutoCloseable {

  /** The name the sentinel knows the master by. */
  public static final String MASTER_NAME = "mymaster";

  private static final Duration STARTUP = Duration.ofSeconds(10);

  private final Path directory;
  private final int port;
  private final Process process;

  private RedisSentinel(Path directory, int port, Process process) {
    this.directory = directory;
    this.port = port;
    this.process = process;
  }

  /** Starts a sentinel that watches the master on {@code masterPort} and waits until it answers PING. */
  public static RedisSentinel watching(int masterPort) {
    try {
      Path directory = Files.createTempDirectory("redis-sentinel-");
      int port = RedisServer.freePort();
      Path config = directory.resolve("sentinel.conf");
      Files.writeString(config, String.join("\n",
          "port " + port,
          "bind 127.0.0.1",
          "daemonize no",
          "dir " + directory,
          "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 1",
          "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
          "sentinel failover-timeout " + MASTER_NAME + " 5000",
          ""), UTF_8);
      Process process = new ProcessBuilder("redis-server", config.toString(), "--sentinel")
          .directory(directory.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("sentinel.log").toFile()))
          .start();
      RedisSentinel sentinel = new RedisSentinel(directory, port, process);
      sentinel.awaitPing();
      return sentinel;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the sentinel's address in Redisson's form, {@code redis://127.0.0.1:PORT}. */
  public String address() {
    return "redis://127.0.0.1:" + port;
  }

  /** Sends one command to the sentinel and returns its reply. */
  public Object call(String... command) {
    return RedisServer.callAt(port, command);
  }

  /** Returns the port of the master the sentinel names now. */
  @SuppressWarnings("unchecked")
  public int masterPort() {
    List<Object> reply = (List<Object>) call("SENTINEL", "get-master-addr-by-name", MASTER_NAME);
    return Integer.parseInt(String.valueOf(reply.get(1)));
  }

  /** Returns the {@code sentinelServersConfig} of a Redisson YAML file for this sentinel, with extra settings. */
  public String redissonYaml(String extraSettings) {
    return "sentinelServersConfig:\n"
        + "  masterName: \"" + MASTER_NAME + "\"\n"
        + "  checkSentinelsList: false\n"
        + "  sentinelAddresses: [\"" + address() + "\"]\n"
        + extraSettings.lines().map(line -> "  " + line + "\n").reduce("", String::concat);
  }

  private void awaitPing() {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if ("PONG".equals(call("PING"))) {
          return;
        }
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      if (!process.isAlive()) {
        break;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    close();
    throw new IllegalStateException("redis-server --sentinel did not answer PING on port " + port);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (var files = Files.walk(directory)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // left for the system's temporary-file cleanup
    }
  }
}
