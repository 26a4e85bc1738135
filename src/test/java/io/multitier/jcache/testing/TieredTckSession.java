package io.multitier.jcache.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Makes a test run tiered when the system property {@code multitier.tck.mode} is {@code tiered}:
 * starts a redis-server for the whole run and points every CacheManager at it through a
 * system-wide configuration file ({@code multitier.config}), which also lets the TCK's own domain
 * classes be read back from Redis. Before each test the server is emptied, so no test sees the
 * entries of another. In any other mode it does nothing.
 */
public final class TieredTckSession implements LauncherSessionListener {

  private static final String MODE = "multitier.tck.mode";

  private RedisServer server;
  private Path config;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if (!"tiered".equals(System.getProperty(MODE))) {
      return;
    }
    server = RedisServer.start();
    try {
      config = Files.createTempFile("multitier-tck-", ".yaml");
      Files.writeString(config, "redis:\n  address: " + server.address() + "\n"
          + "defaults:\n  allowedClasses: [\"org.jsr107.**\", \"javax.cache.**\", \"domain.**\"]\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.setProperty("multitier.config", config.toUri().toString());
    System.out.println("TCK in tiered mode: every CacheManager uses " + server.address());
    session.getLauncher().registerTestExecutionListeners(new TestExecutionListener() {
      @Override
      public void executionStarted(TestIdentifier test) {
        if (test.isTest()) {
          server.call("FLUSHALL");
        }
      }

      @Override
      public void executionFinished(TestIdentifier test, TestExecutionResult result) {}
    });
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (server != null) {
      server.stop();
      System.clearProperty("multitier.config");
      try {
        Files.deleteIfExists(config);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
