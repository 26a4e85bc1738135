package io.multitier.jcache.engine;

import static org.awaitility.Awaitility.await;

import io.multitier.jcache.testing.RedisServer;
import java.time.Duration;

/**
 * Redis for the writers, loaders and barriers of these tests, which run in every JVM of a test: one
 * short connection per command ({@link RedisServer#callAt}) to the server whose port the system
 * property {@value #PORT} names.
 */
final class Resp {

  /** The system property naming the port of the test's redis-server, in every JVM of the test. */
  static final String PORT = "engine.redis.port";

  private Resp() {}

  /** Sends one command to the server the system property names. */
  static Object call(String... command) {
    String port = System.getProperty(PORT);
    if (port == null) {
      throw new IllegalStateException("the system property " + PORT + " names no redis-server port");
    }
    return call(Integer.parseInt(port), command);
  }

  /** Sends one command on a fresh connection to the server at the port. */
  static Object call(int port, String... command) {
    return RedisServer.callAt(port, command);
  }

  /**
   * Waits until {@code parties} callers (one per JVM) have reached the barrier of this name, counted
   * in Redis, so that the JVMs of a test start their contending threads together.
   */
  static void barrier(String name, int parties) {
    call("INCR", name);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).pollDelay(Duration.ZERO)
        .until(() -> Long.parseLong((String) call("GET", name)) >= parties);
  }
}
