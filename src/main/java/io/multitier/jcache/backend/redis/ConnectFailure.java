package io.multitier.jcache.backend.redis;

import io.multitier.jcache.configuration.RedisSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.cache.CacheException;
import org.redisson.client.RedisAuthRequiredException;
import org.redisson.client.RedisWrongPasswordException;
import org.redisson.config.BaseConfig;
import org.redisson.config.Config;

/**
 * The error of a Redisson client that could not be created: what was being opened, where Redis
 * was looked for (without passwords), why, and which setting to change.
 */
final class ConnectFailure {

  private ConnectFailure() {}

  /** Returns the error for a client of these settings that failed to start. */
  static CacheException of(RuntimeException failure, String origin, RedisSettings settings, Config config) {
    String servers = servers(settings, config);
    String setting = (settings.address() != null) ? "redis.address"
        : "the Redisson file " + settings.redissonConfig() + " (redis.redissonConfig)";
    String message;
    Throwable auth = find(failure, RedisWrongPasswordException.class, RedisAuthRequiredException.class);
    if (auth != null) {
      message = "The " + origin + " cannot use Redis at " + servers + ": it refused the credentials ("
          + firstSentence(auth.getMessage()) + "); correct the password (and username) in " + setting;
    } else {
      message = "The " + origin + " cannot reach Redis at " + servers + ": " + reason(failure)
          + "; check that Redis runs there and that " + setting + " names it, or set 'tiered: false' "
          + "for the cache to keep it in this JVM only";
    }
    return new CacheException(scrub(message, passwords(settings, config)), failure);
  }

  /** Returns where the client looked for Redis, passwords replaced by {@code ***}. */
  static String servers(RedisSettings settings, Config config) {
    if (settings.address() != null) {
      return settings.redactedAddress();
    }
    Collection<String> addresses;
    if (config.isSingleConfig()) {
      addresses = List.of(String.valueOf(config.useSingleServer().getAddress()));
    } else if (config.isClusterConfig()) {
      addresses = config.useClusterServers().getNodeAddresses();
    } else if (config.isSentinelConfig()) {
      addresses = config.useSentinelServers().getSentinelAddresses();
    } else {
      return "the servers of the Redisson file " + settings.redissonConfig();
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
    String text = (deepest.getMessage() == null) ? deepest.getClass().getSimpleName() : deepest.getMessage();
    return firstSentence(text);
  }

  /** Cuts Redisson's details (the channel, its advice on nettyThreads) off a message. */
  private static String firstSentence(String message) {
    if (message == null) {
      return "no reason given";
    }
    int channel = message.indexOf(". channel:");
    return ((channel < 0) ? message : message.substring(0, channel)).strip().replaceFirst("\\.+$", "");
  }

  @SafeVarargs
  private static Throwable find(Throwable failure, Class<? extends Throwable>... types) {
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

  private static String scrub(String message, List<String> passwords) {
    String scrubbed = message;
    for (String password : passwords) {
      scrubbed = scrubbed.replace(password, "***");
    }
    return scrubbed;
  }
}
