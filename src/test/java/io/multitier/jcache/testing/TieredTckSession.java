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
 * Makes a test run tiered when the system property {@code multitier.tck.mode} is {@code tiered}
 * (or {@code cluster}: a local 3-master {@link RedisCluster} instead of one server): starts a
 * redis-server for the whole run and points every CacheManager at it through a
 * system-wide configuration file ({@code multitier.config}), which also lets the TCK's own domain
 * classes be read back from Redis; {@code multitier.tck.codec} names the codec of every cache
 * (when unset the file names none, so every cache has the provider's default). Before each test
 * the server is emptied, so no test sees the entries of another. In any other mode it does nothing.
 */
public final class TieredTckSession implements LauncherSessionListener {

  private static final String MODE = "multitier.tck.mode";
  private static final String CODEC = "multitier.tck.codec";

  private RedisServer server;
  private RedisCluster cluster;
  private Path config;
  private Path redissonConfig;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    String mode = System.getProperty(MODE);
    if (!"tiered".equals(mode) && !"cluster".equals(mode)) {
      return;
    }
    String redis;
    try {
      if ("cluster".equals(mode)) {
        cluster = RedisCluster.start();
        redissonConfig = Files.createTempFile("multitier-tck-redisson-", ".yaml");
        Files.writeString(redissonConfig, cluster.redissonYaml(""));
        redis = "redis:\n  redissonConfig: \"" + redissonConfig.toUri() + "\"\n";
      } else {
        server = RedisServer.start();
        redis = "redis:\n  address: " + server.address() + "\n";
      }
      config = Files.createTempFile("multitier-tck-", ".yaml");
      String codec = System.getProperty(CODEC);
      Files.writeString(config, redis
          + "defaults:\n  allowedClasses: [\"org.jsr107.**\", \"javax.cache.**\", \"domain.**\"]\n"
          + ((codec == null) ? "" : "  codec: " + codec + "\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.setProperty("multitier.config", config.toUri().toString());
    System.out.println("TCK in " + mode + " mode, codec " + System.getProperty(CODEC, "the default") + ": every CacheManager uses "
        + ((cluster != null) ? "the Redis Cluster " + cluster.addresses() : server.address()));
    session.getLauncher().registerTestExecutionListeners(new TestExecutionListener() {
      @Override
      public void executionStarted(TestIdentifier test) {
        if (test.isTest()) {
          if (cluster != null) {
            cluster.flushAll();
          } else {
            server.call("FLUSHALL");
          }
        }
      }

      @Override
      public void executionFinished(TestIdentifier test, TestExecutionResult result) {}
    });
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (server != null || cluster != null) {
      if (server != null) {
        server.stop();
      } else {
        cluster.close();
      }
      System.clearProperty("multitier.config");
      try {
        Files.deleteIfExists(config);
        if (redissonConfig != null) {
          Files.deleteIfExists(redissonConfig);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
