package io.multitier.jcache.backend.redis;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.configuration.RedisSettings;
import io.multitier.jcache.spi.Health;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import javax.cache.CacheException;
import org.jspecify.annotations.Nullable;
import org.redisson.client.RedisAuthRequiredException;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.RedisWrongPasswordException;
import org.redisson.client.WriteRedisConnectionException;
import org.redisson.config.BaseConfig;
import org.redisson.config.Config;

/**
 * What to tell when a CacheManager's client cannot reach Redis or is refused by it: where Redis was
 * looked for (passwords as {@code ***}), why, and which setting of which file to correct.
 */
final class ConnectionTrouble {

  private final String servers;
  private final String setting;
  private final List<String> passwords;
  private final Reachability reachability;

  private ConnectionTrouble(String servers, String setting, List<String> passwords, Reachability reachability) {
    this.servers = servers;
    this.setting = setting;
    this.passwords = passwords;
    this.reachability = reachability;
  }

  /** Creates the explanations for a client of these settings, read from the file {@code source}. */
  ConnectionTrouble(RedisSettings settings, Config config, String source, Reachability reachability) {
    this(servers(settings, config), ((settings.address() != null) ? "redis.address"
        : "the Redisson file " + settings.redissonConfig() + " (redis.redissonConfig)") + " in " + source,
        passwords(settings, config), reachability);
  }

  /** Creates the explanations for the application's own client, whose configuration is the application's. */
  static ConnectionTrouble ofApplicationClient(Config config, Reachability reachability) {
    RedisSettings none = new RedisSettings(null, null, null, null, null, null, null, null);
    return new ConnectionTrouble(servers(none, config), "the configuration of the application's RedissonClient",
        passwords(none, config), reachability);
  }

  /** Returns where the client looks for Redis, passwords replaced by {@code ***}. */
  String servers() {
    return servers;
  }

  /** Returns what {@code ping} answers, or the client's failed PING of less than a second ago ({@link Reachability}). */
  Health probe(Supplier<Health> ping) {
    return reachability.probe(ping);
  }

  /** Returns the explained failure of the client's last PING, or {@code null} if it was answered. */
  @Nullable String lastFailure() {
    return reachability.lastFailure();
  }

  /** Returns the error of a client that failed to start for {@code origin} (the cache and its CacheManager). */
  CacheException atStart(RuntimeException failure, String origin) {
    String explained = explain(failure);
    String message = "The " + origin + " "
        + ((explained != null) ? explained : "cannot start its Redis client for " + servers + ": " + firstSentence(failure.getMessage()))
        + ", or set 'tiered: false' for the cache to keep it in this JVM only";
    return new CacheException(scrub(message), failure);
  }

  /**
   * Returns what went wrong if the failure is one of reaching Redis or of its credentials, with the
   * setting to correct; {@code null} for any other failure.
   */
  @Nullable String explain(Throwable failure) {
    Throwable auth = find(failure, RedisWrongPasswordException.class, RedisAuthRequiredException.class);
    if (auth != null) {
      return scrub("cannot use Redis at " + servers + ": it refused the credentials (" + firstSentence(auth.getMessage())
          + "); correct the password (and username) in " + setting);
    }
    if (find(failure, WriteRedisConnectionException.class) != null) {
      return scrub("cannot reach Redis at " + servers + ": the connection to it is lost (Redis down or restarting)"
          + "; the command was not sent, and the cache reconnects by itself when Redis answers");
    }
    Throwable timeout = find(failure, RedisTimeoutException.class);
    if (timeout != null) {
      return scrub("Redis at " + servers + " did not answer in time (down, paused or overloaded; a write may still be"
          + " carried out when it answers); if Redis is only slow, raise redis.timeout (or the Redisson file's timeout)");
    }
    if (find(failure, RedisConnectionException.class) != null) {
      String reason = reason(failure);
      return scrub("cannot reach Redis at " + servers + ": " + reason
          + "; check that Redis runs there and that " + setting + " names it"
          + (reason.contains("timed out") ? " (no answer at all: a host that is down or a firewall that drops packets;"
              + " if the network is only slow, raise redis.connectTimeout or the Redisson file's connectTimeout)" : ""));
    }
    return null;
  }

  static String servers(RedisSettings settings, Config config) {
    if (settings.address() != null) {
      return requireNonNull(settings.redactedAddress(), "an address is set");
    }
    Collection<String> addresses;
    if (config.isSingleConfig()) {
      addresses = List.of(String.valueOf(config.useSingleServer().getAddress()));
    } else if (config.isClusterConfig()) {
      addresses = config.useClusterServers().getNodeAddresses();
    } else if (config.isSentinelConfig()) {
      addresses = config.useSentinelServers().getSentinelAddresses();
    } else {
      return (settings.redissonConfig() != null) ? "the servers of the Redisson file " + settings.redissonConfig()
          : "the servers of the application's RedissonClient";
    }
    List<String> redacted = new ArrayList<>();
    addresses.forEach(address -> redacted.add(RedisSettings.redact(address)));
    return String.join(", ", redacted);
  }

  private static String reason(Throwable failure) {
    Throwable deepest = failure;
    while (deepest.getCause() != null && deepest.getCause() != deepest) {
      deepest = deepest.getCause();
    }
    return firstSentence((deepest.getMessage() == null) ? deepest.getClass().getSimpleName() : deepest.getMessage());
  }

  /** Cuts Redisson's details (the channel, the command) off a message. */
  private static String firstSentence(@Nullable String message) {
    if (message == null) {
      return "no reason given";
    }
    int channel = message.indexOf(". channel:");
    return ((channel < 0) ? message : message.substring(0, channel)).strip().replaceFirst("\\.+$", "");
  }

  @SafeVarargs
  private static @Nullable Throwable find(Throwable failure, Class<? extends Throwable>... types) {
    for (Throwable cause = failure; cause != null; cause = (cause.getCause() == cause) ? null : cause.getCause()) {
      for (Class<? extends Throwable> type : types) {
        if (type.isInstance(cause)) {
          return cause;
        }
      }
    }
    return null;
  }

  private static List<String> passwords(RedisSettings settings, Config config) {
    List<String> passwords = new ArrayList<>();
    String address = settings.address();
    if (address != null && address.lastIndexOf('@') > address.indexOf("://")) {
      String user = address.substring(address.indexOf("://") + 3, address.lastIndexOf('@'));
      passwords.add(user.substring(user.indexOf(':') + 1));
    }
    BaseConfig<?> servers = null;
    if (config.isSingleConfig()) {
      servers = config.useSingleServer();
    } else if (config.isClusterConfig()) {
      servers = config.useClusterServers();
    } else if (config.isSentinelConfig()) {
      servers = config.useSentinelServers();
    }
    if (servers != null && servers.getPassword() != null) {
      passwords.add(servers.getPassword());
    }
    passwords.removeIf(String::isEmpty);
    return passwords;
  }

  private String scrub(String message) {
    String scrubbed = message;
    for (String password : passwords) {
      scrubbed = scrubbed.replace(password, "***");
    }
    return scrubbed;
  }
}
