package io.multitier.jcache.backend.redis;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.configuration.RedisSettings;
import io.multitier.jcache.spi.L2CacheBackend;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.cache.CacheException;
import org.jspecify.annotations.Nullable;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;
import org.redisson.config.SingleServerConfig;

/**
 * A CacheManager's link to Redis. CacheManagers with equal {@link RedisSettings} share one
 * Redisson client (its event loops and connections), which is shut down when the last of them
 * closes, or once no thread of the application is left ({@link ExitWatch}): its threads are
 * daemons ({@link DaemonThreads}), so an unclosed CacheManager never keeps a JVM alive. This is the only class the CacheManager touches in this package, so an application
 * without Redisson on its class path never loads Redisson.
 */
public final class RedisConnection implements AutoCloseable {

  /** Connections opened on the first command of the address form; more are opened as calls need them. */
  static final int MINIMUM_IDLE_CONNECTIONS = 2;

  private static final Map<RedisSettings, Shared> clients = new HashMap<>();
  private static final ExitWatch exitWatch = new ExitWatch(RedisConnection::shutdownAll);

  private final RedisSettings settings;
  private final Shared shared;
  private final String keyPrefix;
  private final ConnectionTrouble trouble;
  private final Reconciler reconciler;
  private final @Nullable Tracking tracking;
  private final ExpiryNotifications expiries;
  private final BackendFactory backends;
  private boolean closed;

  private RedisConnection(RedisSettings settings, Shared shared, String keyPrefix, ConnectionTrouble trouble) {
    this.settings = settings;
    this.shared = shared;
    this.keyPrefix = keyPrefix;
    this.trouble = trouble;
    this.reconciler = new Reconciler(shared.client, settings.reconcileIntervalDuration());
    this.expiries = new ExpiryNotifications(shared.client, keyPrefix, trouble.servers());
    this.tracking = settings.tracking()
        ? new Tracking(shared.client, keyPrefix, settings.reconcileIntervalDuration()) : null;
    this.backends = BackendFactory.of(shared.client, keyPrefix, trouble, reconciler, expiries, tracking);
  }

  /**
   * Opens the link for a CacheManager; its keys start with the configured prefix, else with
   * {@link RedisBackend#DEFAULT_PREFIX} whatever the CacheManager's URI, so that nodes of one
   * application share entries wherever their configuration file is.
   */
  public static RedisConnection open(RedisSettings settings, String cacheName, URI managerUri, String source,
      ClassLoader classLoader) {
    requireNonNull(settings, "settings");
    requireNonNull(managerUri, "managerUri");
    String origin = "tiered cache '" + cacheName + "' of the CacheManager " + managerUri
        + (source.equals(managerUri.toString()) ? "" : " (configuration " + source + ")");
    String prefix = (settings.keyPrefix() != null) ? settings.keyPrefix() : RedisBackend.DEFAULT_PREFIX;
    synchronized (clients) {
      Shared shared = clients.get(settings);
      ConnectionTrouble trouble;
      if (shared == null) {
        Config config = lazy(config(settings, origin, classLoader));
        Reachability reachability = new Reachability();
        trouble = new ConnectionTrouble(settings, config, source, reachability);
        shared = Shared.create(config, reachability, trouble, origin);
        clients.put(settings, shared);
      } else {
        trouble = new ConnectionTrouble(settings, shared.config, source, shared.reachability);
      }
      shared.users++;
      exitWatch.start();
      return new RedisConnection(settings, shared, prefix, trouble);
    }
  }

  /**
   * Returns the shared tier of one cache; if {@code eventsMaxLength} is positive, it also appends
   * every change to the cache's change stream, trimmed to about that many entries, and follows it.
   */
  public L2CacheBackend<String, byte[]> backend(String cacheName, long eventsMaxLength) {
    return backends.backend(cacheName, eventsMaxLength);
  }

  /** Returns where the client looks for Redis, passwords replaced by {@code ***}. */
  public String servers() {
    return trouble.servers();
  }

  /**
   * Returns why Redis cannot be used, explained with the setting to correct, if the last PING of
   * this client failed (a cache created meanwhile keeps no L1 copies until Redis answers); else {@code null}.
   */
  public @Nullable String unusable() {
    String failure = trouble.lastFailure();
    return (failure == null) ? null : failure.replaceFirst("^PING failed: ", "");
  }

  /** Returns what keys of this CacheManager start with. */
  public String keyPrefix() {
    return keyPrefix;
  }

  @Override
  public void close() {
    synchronized (clients) {
      if (closed) {
        return;
      }
      closed = true;
      reconciler.close();
      if (tracking != null) {
        tracking.close();
      }
      expiries.close();
      if (--shared.users == 0 && clients.remove(settings, shared)) {
        shared.shutdown();
        if (clients.isEmpty()) {
          exitWatch.stop();
        }
      }
    }
  }

  /**
   * Connects on the first command, not now: a cache is created at once whether Redis answers or not.
   * Without Redisson's object references: the provider sends only bytes, and each argument of each
   * command would otherwise be checked for Redisson annotations.
   */
  private static Config lazy(Config config) {
    config.setReferenceEnabled(false);
    return config.setLazyInitialization(true);
  }

  private static int millis(Duration duration) {
    return (int) duration.toMillis();
  }

  /** Shuts every client down: the application's threads have all ended, and nothing else would. */
  private static void shutdownAll() {
    synchronized (clients) {
      clients.values().forEach(Shared::shutdown);
      clients.clear();
    }
  }

  private static Config config(RedisSettings settings, String origin, ClassLoader classLoader) {
    if (settings.address() != null) {
      Config config = new Config();
      SingleServerConfig server = config.useSingleServer().setAddress(settings.address());
      server.setTimeout(millis(settings.timeoutDuration()));
      server.setConnectTimeout(millis(settings.connectTimeoutDuration()));
      server.setRetryAttempts(settings.retryAttemptsOrDefault());
      server.setRetryDelay(new ConstantDelay(settings.retryDelayDuration()));
      // Redisson opens 24 connections on first use by default; a cache's calls are short, and a
      // pool that grows on demand costs nothing while Redis is down or refuses the password
      server.setConnectionMinimumIdleSize(MINIMUM_IDLE_CONNECTIONS);
      return config;
    }
    URI uri = URI.create(settings.redissonConfig());
    try {
      URL url;
      if ("classpath".equals(uri.getScheme())) {
        String path = uri.getSchemeSpecificPart().replaceFirst("^/+", "");
        url = classLoader.getResource(path);
        if (url == null) {
          throw new CacheException("The " + origin + " names no Redisson file in redis.redissonConfig: the class path "
              + "has no resource '" + path + "'");
        }
      } else {
        url = uri.toURL();
      }
      return Config.fromYAML(url);
    } catch (IOException | IllegalArgumentException e) {
      throw new CacheException("The " + origin + " cannot read the Redisson file " + uri
          + " that redis.redissonConfig names: " + e.getMessage(), e);
    }
  }

  /** One Redisson client, on daemon threads, and how many CacheManagers use it. */
  private static final class Shared {
    final RedissonClient client;
    final Config config;
    final Reachability reachability;
    final DaemonThreads threads;
    int users;

    private Shared(RedissonClient client, Config config, Reachability reachability, DaemonThreads threads) {
      this.client = client;
      this.config = config;
      this.reachability = reachability;
      this.threads = threads;
    }

    static Shared create(Config config, Reachability reachability, ConnectionTrouble trouble, String origin) {
      DaemonThreads threads = DaemonThreads.install(config);
      try {
        return new Shared(Redisson.create(config), config, reachability, threads);
      } catch (RuntimeException e) {
        threads.shutdown();
        throw trouble.atStart(e, origin);
      } catch (Error e) {
        threads.shutdown();
        throw e;
      }
    }

    void shutdown() {
      client.shutdown();
      threads.shutdown();
    }
  }
}
