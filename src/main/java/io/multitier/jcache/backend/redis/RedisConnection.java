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
import org.redisson.config.EqualJitterDelay;
import org.redisson.config.SingleServerConfig;

/**
 * A CacheManager's link to Redis. CacheManagers with equal {@link RedisSettings} share one
 * Redisson client (its event loops and connections), which is shut down when the last of them
 * closes, or once no thread of the application is left ({@link ExitWatch}): its threads are
 * daemons ({@link DaemonThreads}), so an unclosed CacheManager never keeps a JVM alive. A
 * CacheManager handed the application's own client ({@link #overClient}) uses that one instead and
 * never shuts it down. This is the only class the CacheManager touches in this package, so an
 * application without Redisson on its class path never loads Redisson.
 */
public final class RedisConnection implements AutoCloseable {

  /** Connections opened on the first command of the address form; more are opened as calls need them. */
  static final int MINIMUM_IDLE_CONNECTIONS = 2;

  /**
   * How long a connection that died waits before each attempt to connect again: 50-100 ms, then
   * 100-200 ms each time. Redisson's own delay doubles up to 10 s, and the pool keeps handing out a
   * dead connection until it is connected again, so a command after a restart met only dead
   * connections for seconds (1.2 to 2.1 s after an outage of 3 s) although the server answered.
   */
  static final EqualJitterDelay RECONNECTION_DELAY = new EqualJitterDelay(Duration.ofMillis(100), Duration.ofMillis(200));

  private static final Map<RedisSettings, Shared> clients = new HashMap<>();
  private static final ExitWatch exitWatch = new ExitWatch(RedisConnection::shutdownAll);

  private final RedisSettings settings;
  /** The provider's client this link shares, or {@code null} over the application's own client. */
  private final @Nullable Shared shared;
  private final String keyPrefix;
  private final ConnectionTrouble trouble;
  private final Reconciler reconciler;
  private final @Nullable Tracking tracking;
  private final ExpiryNotifications expiries;
  private final BackendFactory backends;
  private boolean closed;

  private RedisConnection(RedisSettings settings, RedissonClient client, @Nullable Shared shared,
      ConnectionTrouble trouble) {
    this.settings = settings;
    this.shared = shared;
    this.keyPrefix = prefix(settings);
    this.trouble = trouble;
    this.reconciler = new Reconciler(client, settings.reconcileIntervalDuration());
    this.expiries = new ExpiryNotifications(client, keyPrefix, trouble.servers());
    this.tracking = settings.tracking()
        ? new Tracking(client, keyPrefix, settings.reconcileIntervalDuration()) : null;
    this.backends = BackendFactory.of(client, keyPrefix, trouble, reconciler, expiries, tracking,
        settings.writersKeepCopies());
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
      return new RedisConnection(settings, shared.client, shared, trouble);
    }
  }

  /**
   * Opens the link for a CacheManager over the application's own client: its connections, threads
   * and topology (standalone, Sentinel, Cluster) as the application configured them. Of
   * {@code settings}, only the key prefix and the reconciliation interval apply. The application
   * closes the client; {@link #close} releases only what this link made on it: its subscriptions,
   * listeners and reconciliation task.
   *
   * @throws javax.cache.CacheException if the client is already shut down
   */
  public static RedisConnection overClient(RedissonClient client, RedisSettings settings, URI managerUri) {
    requireNonNull(client, "client");
    requireNonNull(settings, "settings");
    if (client.isShutdown() || client.isShuttingDown()) {
      throw new CacheException("The CacheManager " + requireNonNull(managerUri, "managerUri")
          + " was handed a RedissonClient that is shut down");
    }
    ConnectionTrouble trouble = ConnectionTrouble.ofApplicationClient(client.getConfig(), new Reachability());
    return new RedisConnection(settings, client, null, trouble);
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
      if (shared != null && --shared.users == 0 && clients.remove(settings, shared)) {
        shared.shutdown();
        if (clients.isEmpty()) {
          exitWatch.stop();
        }
      }
    }
  }

  /** Returns what keys start with: the configured prefix, else {@link RedisBackend#DEFAULT_PREFIX}. */
  private static String prefix(RedisSettings settings) {
    String prefix = settings.keyPrefix();
    return (prefix != null) ? prefix : RedisBackend.DEFAULT_PREFIX;
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
      server.setReconnectionDelay(RECONNECTION_DELAY);
      return config;
    }
    URI uri = URI.create(requireNonNull(settings.redissonConfig(), "an address or a Redisson file is named"));
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
