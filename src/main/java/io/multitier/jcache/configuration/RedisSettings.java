package io.multitier.jcache.configuration;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where the shared tier is: a plain address ({@code redis://host:port}, {@code rediss://…}) or a
 * Redisson configuration file in Redisson's own format (standalone, Sentinel or Cluster, with AUTH
 * and TLS), and what the keys of this CacheManager start with. Neither is given when the application
 * hands the CacheManager its own client ({@code MultiTierCachingProvider.REDISSON_CLIENT}); a handed
 * client is used in place of either, and only {@code keyPrefix}, {@code reconcileInterval},
 * {@code invalidation} and {@code writerKeepsCopy} apply.
 *
 * <p>With an address, {@code timeout}, {@code retryAttempts} and {@code retryDelay} bound how long a
 * Redis command may take before it fails: at most about {@code (retryAttempts + 1) × timeout +
 * retryAttempts × retryDelay}, and {@code connectTimeout} how long opening a connection may take
 * (the first command, or a server that drops packets: {@code (retryAttempts + 1) × connectTimeout
 * + retryAttempts × retryDelay}). Left out, the provider's defaults apply, chosen for a cache on a
 * request path, where failing fast and the degradation policy beat a long wait: 1 s, 1 retry,
 * 50 ms, 250 ms connect, so a command to a Redis that does not answer fails within about 2 s and
 * one that cannot be reached within about 550 ms (Redisson's own defaults, 3 s,
 * 4 retries, 1 to 2 s and a 10 s connect, made it 7 s, and 56 s against a dropping firewall). With
 * a Redisson file, that file's own settings of the same names apply, Redisson's defaults for those
 * it leaves out.
 *
 * @param address a single server's address, or {@code null}
 * @param redissonConfig the URI of a Redisson YAML file ({@code classpath:…} or {@code file:…}), or {@code null}
 * @param keyPrefix what every key starts with; {@code null} for {@code mtj:}, whatever the
 *     CacheManager's URI: CacheManagers with equal prefixes over one Redis share caches of the same name
 * @param timeout how long one attempt of a command waits for its answer ({@code 500ms}), or {@code null}
 * @param retryAttempts how many times a failed command is sent again, or {@code null}
 * @param retryDelay how long to wait before sending it again ({@code 100ms}, not {@code eternal}), or {@code null}
 * @param connectTimeout how long opening one connection may take ({@code 250ms}), or {@code null}
 * @param reconcileInterval how often each cache's count of changes in Redis is compared with the
 *     invalidation notices this JVM heard, to catch a lost one ({@code 5s}), or {@code null} for 5 s;
 *     with {@code invalidation: tracking}, how often the tracking connections are checked
 * @param invalidation how other JVMs hear of a change: {@code publish} (a numbered notice to every
 *     JVM of the key prefix) or {@code tracking} (Redis's client-side tracking: only the JVMs that
 *     read the key since its last change, and changes made by any client); {@code null} for
 *     {@link #DEFAULT_INVALIDATION}
 * @param writerKeepsCopy under {@code invalidation: tracking}, whether a JVM keeps an L1 copy of
 *     what it writes (and goes on being told of the key's changes); {@code null} for no: Redis would
 *     remember the writer of every key (about 100 bytes each) and tell it of every later change, so
 *     the writer reads the key from Redis when it next wants it. A loaded value is kept either way.
 *     Under {@code publish} a writer always keeps its copy, which costs Redis nothing
 */
public record RedisSettings(
    @JsonProperty("address") @Nullable String address,
    @JsonProperty("redissonConfig") @Nullable String redissonConfig,
    @JsonProperty("keyPrefix") @Nullable String keyPrefix,
    @JsonProperty("timeout") @Nullable String timeout,
    @JsonProperty("retryAttempts") @Nullable Integer retryAttempts,
    @JsonProperty("retryDelay") @Nullable String retryDelay,
    @JsonProperty("connectTimeout") @Nullable String connectTimeout,
    @JsonProperty("reconcileInterval") @Nullable String reconcileInterval,
    @JsonProperty("invalidation") @Nullable String invalidation,
    @JsonProperty("writerKeepsCopy") @Nullable Boolean writerKeepsCopy) {

  /** How other JVMs hear of a change when {@code invalidation} is not set. */
  public static final String DEFAULT_INVALIDATION = "tracking";

  /** How often caches are reconciled when {@code reconcileInterval} is not set. */
  public static final Duration DEFAULT_RECONCILE_INTERVAL = Duration.ofSeconds(5);
  /** How long one attempt of a command waits for its answer when {@code timeout} is not set. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  /** How many times a command is sent again when {@code retryAttempts} is not set. */
  public static final int DEFAULT_RETRY_ATTEMPTS = 1;
  /** The pause before sending a command again when {@code retryDelay} is not set. */
  public static final Duration DEFAULT_RETRY_DELAY = Duration.ofMillis(50);
  /** How long opening a connection may take when {@code connectTimeout} is not set. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(250);

  private static final Pattern ADDRESS = Pattern.compile(
      "(redis|rediss|valkey|valkeys)://([^@/]*@)?(\\[[0-9A-Fa-f:.]+\\]|[^:/@\\[\\]]+):[0-9]{1,5}/?"
      + "|(redis|valkey)\\+uds://.+");

  /** Checks that exactly one way to reach Redis is given, and that an address has the form Redisson reads. */
  public RedisSettings {
    if (address != null && redissonConfig != null) {
      throw new IllegalArgumentException(
          "redis: give exactly one of address (redis://host:port) and redissonConfig (a Redisson YAML file)");
    }
    if (address != null && !ADDRESS.matcher(address).matches()) {
      throw new IllegalArgumentException("redis.address '" + redact(address) + "' is not of the form "
          + "redis://host:port (rediss://host:port for TLS, redis://:password@host:port with a password)"
          + (address.contains("://") ? "" : ": it has no scheme"));
    }
    if (keyPrefix != null && (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0)) {
      throw new IllegalArgumentException("redis.keyPrefix may not contain '{' or '}': " + keyPrefix);
    }
    if (address == null && (timeout != null || retryAttempts != null || retryDelay != null
        || connectTimeout != null)) {
      throw new IllegalArgumentException("redis: timeout, retryAttempts, retryDelay and connectTimeout go with "
          + "address; with redissonConfig, set them in the Redisson file; with the application's RedissonClient, in "
          + "its configuration");
    }
    if (retryAttempts != null && retryAttempts < 0) {
      throw new IllegalArgumentException("redis.retryAttempts must not be negative: " + retryAttempts);
    }
    positive(timeout, "redis.timeout");
    positive(connectTimeout, "redis.connectTimeout");
    positive(reconcileInterval, "redis.reconcileInterval");
    if (retryDelay != null) {
      Durations.finite(retryDelay, "redis.retryDelay");
    }
    if (invalidation != null && !invalidation.equals("publish") && !invalidation.equals("tracking")) {
      throw new IllegalArgumentException("redis.invalidation must be publish or tracking: " + invalidation);
    }
  }

  /** Creates the settings with the default way of telling other JVMs of a change. */
  public RedisSettings(@Nullable String address, @Nullable String redissonConfig, @Nullable String keyPrefix,
      @Nullable String timeout, @Nullable Integer retryAttempts, @Nullable String retryDelay,
      @Nullable String connectTimeout, @Nullable String reconcileInterval) {
    this(address, redissonConfig, keyPrefix, timeout, retryAttempts, retryDelay, connectTimeout, reconcileInterval,
        null, null);
  }

  /** Creates the settings with the given way of telling other JVMs of a change and its default for writers' copies. */
  public RedisSettings(@Nullable String address, @Nullable String redissonConfig, @Nullable String keyPrefix,
      @Nullable String timeout, @Nullable Integer retryAttempts, @Nullable String retryDelay,
      @Nullable String connectTimeout, @Nullable String reconcileInterval, @Nullable String invalidation) {
    this(address, redissonConfig, keyPrefix, timeout, retryAttempts, retryDelay, connectTimeout, reconcileInterval,
        invalidation, null);
  }

  /** Returns whether other JVMs hear of changes through Redis's client-side tracking rather than published notices. */
  public boolean tracking() {
    return "tracking".equals((invalidation == null) ? DEFAULT_INVALIDATION : invalidation);
  }

  /** Returns whether a JVM keeps a copy of what it writes: always under publish, under tracking only if set. */
  public boolean writersKeepCopies() {
    return !tracking() || Boolean.TRUE.equals(writerKeepsCopy);
  }

  /** Returns whether these settings say where Redis is: an address or a Redisson file. */
  public boolean namesServers() {
    return address != null || redissonConfig != null;
  }

  /** Returns the address with any password in it replaced by {@code ***}, or {@code null}. */
  public @Nullable String redactedAddress() {
    return (address == null) ? null : redact(address);
  }

  @Override
  public String toString() {
    return "RedisSettings[" + ((address != null) ? "address=" + redactedAddress()
        : (redissonConfig != null) ? "redissonConfig=" + redissonConfig : "the application's client")
        + ((keyPrefix == null) ? "" : ", keyPrefix=" + keyPrefix) + "]";
  }

  /** Returns an address with the password of its user part, if any, replaced by {@code ***}. */
  public static String redact(String address) {
    int at = address.lastIndexOf('@');
    if (at < 0) {
      return address;
    }
    int scheme = address.indexOf("://");
    int userStart = (scheme < 0 || scheme > at) ? 0 : scheme + 3;
    String user = address.substring(userStart, at);
    int colon = user.indexOf(':');
    String kept = (colon < 0) ? "" : user.substring(0, colon);
    return address.substring(0, userStart) + kept + ":***" + address.substring(at);
  }

  /** Returns the per-attempt command timeout of the address form, the default if not set. */
  public Duration timeoutDuration() {
    return (timeout == null) ? DEFAULT_TIMEOUT : Durations.finite(timeout, "redis.timeout");
  }

  /** Returns how many times a command of the address form is sent again, the default if not set. */
  public int retryAttemptsOrDefault() {
    return (retryAttempts == null) ? DEFAULT_RETRY_ATTEMPTS : retryAttempts;
  }

  /** Returns how long opening a connection of the address form may take, the default if not set. */
  public Duration connectTimeoutDuration() {
    return (connectTimeout == null) ? DEFAULT_CONNECT_TIMEOUT : Durations.finite(connectTimeout, "redis.connectTimeout");
  }

  /** Returns how often caches are reconciled. */
  public Duration reconcileIntervalDuration() {
    return (reconcileInterval == null) ? DEFAULT_RECONCILE_INTERVAL
        : Durations.finite(reconcileInterval, "redis.reconcileInterval");
  }

  /** Returns the delay between attempts of the address form, the default if not set. */
  public Duration retryDelayDuration() {
    return (retryDelay == null) ? DEFAULT_RETRY_DELAY : Durations.finite(retryDelay, "redis.retryDelay");
  }

  private static void positive(@Nullable String duration, String setting) {
    if (duration == null) {
      return;
    }
    Duration parsed = Durations.parse(duration, setting);
    if (parsed == null || parsed.isZero() || parsed.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(setting + " must be a positive duration of at most 24 days: " + duration);
    }
  }
}
