package io.multitier.bench;

import io.multitier.jcache.testing.RedisServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The run's redis-server, started and stopped by the provider's test harness ({@link RedisServer}:
 * a free loopback port, no persistence, a temporary directory): {@code RedisMain <address file>}
 * writes {@code redis://127.0.0.1:PORT} to the file once the server answers PING, and stops the
 * server when this JVM is told to end (bench/run.sh sends it SIGTERM).
 */
public final class RedisMain {

  private RedisMain() {}

  /** Writes the address to the file in one step, so that a reader never sees half of it. */
  static void announce(Path file, String address) throws java.io.IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    Files.writeString(partial, address, StandardCharsets.UTF_8);
    Files.move(partial, file);
  }

  public static void main(String[] args) throws Exception {
    RedisServer server = RedisServer.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "redis-server-stop"));
    announce(Path.of(args[0]), server.address());
    Thread.currentThread().join();
  }
}
