package io.multitier.jcache.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one {@link RedisServer} before a test class and stops it after; register it on a static
 * field with {@code @RegisterExtension}. Nested test classes share their enclosing class's server.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

  private RedisServer server;
  private String owner;

  @Override
  public void beforeAll(ExtensionContext context) {
    if (server == null) {
      server = RedisServer.start();
      owner = context.getUniqueId();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null && context.getUniqueId().equals(owner)) {
      server.stop();
      server = null;
      owner = null;
    }
  }

  /** Returns the running server. */
  public RedisServer server() {
    if (server == null) {
      throw new IllegalStateException("the Redis server runs only while the test class does");
    }
    return server;
  }
}
