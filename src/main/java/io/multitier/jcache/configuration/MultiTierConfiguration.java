package io.multitier.jcache.configuration;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import io.multitier.jcache.copy.ClassPresets;
import io.multitier.jcache.copy.Codec;
import io.multitier.jcache.copy.Compression;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import org.jspecify.annotations.Nullable;

/**
 * The vendor configuration of a cache: everything {@link MutableConfiguration} offers, plus the
 * size of the in-process tier, how long it may keep a copy of a shared entry, whether the cache
 * uses the shared tier, which classes may be read back from it and in which format, what it does while the shared tier
 * is unreachable, the largest key and value it sends there, and the time source.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class MultiTierConfiguration<K, V> extends MutableConfiguration<K, V> {

  private static final long serialVersionUID = 1L;

  /** Entries the in-process tier holds when nothing else is configured. */
  public static final long DEFAULT_MAXIMUM_SIZE = 10_000;

  /** Changes the change stream of a cache with cluster events keeps when nothing else is configured. */
  public static final long DEFAULT_CLUSTER_EVENTS_MAX_LENGTH = 10_000;

  /** Changes an event stream keeps when nothing else is configured. */
  public static final long DEFAULT_EVENT_STREAM_MAX_LENGTH = 10_000;

  /** How long the in-process tier keeps a copy of a shared entry when nothing else is configured. */
  public static final Duration DEFAULT_L1_MAX_TTL = Duration.ofMinutes(10);

  /** The longest encoded key the shared tier takes when nothing else is configured, in bytes. */
  public static final int DEFAULT_MAX_KEY_BYTES = 8 * 1024;

  /** How long a write of a write-through tiered cache may hold its key's lease when nothing else is configured. */
  public static final Duration DEFAULT_WRITE_LEASE = Duration.ofSeconds(10);

  /** The size above which a value is compressed, when compression is on and nothing else is configured, in bytes. */
  public static final int DEFAULT_COMPRESS_ABOVE = 1024;

  /** The largest serialized value the shared tier takes when nothing else is configured, in bytes. */
  public static final int DEFAULT_MAX_VALUE_BYTES = 16 * 1024 * 1024;

  private long maximumSize = DEFAULT_MAXIMUM_SIZE;
  private DegradationPolicy degradation = DegradationPolicy.FAIL_FAST;
  private int maxKeyBytes = DEFAULT_MAX_KEY_BYTES;
  private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
  private Duration l1MaxTtl = DEFAULT_L1_MAX_TTL;
  /** {@code null} until set: the cache is then tiered if it stores by value. */
  private @Nullable Boolean tiered;
  private List<String> allowedClasses = new ArrayList<>();
  /** {@code null} until set: the cache then takes {@link Codec#orDefault}'s. */
  private @Nullable Codec codec;
  private Compression compression = Compression.NONE;
  private int compressAbove = DEFAULT_COMPRESS_ABOVE;
  private @Nullable String eventStream;
  private @Nullable Duration stampedeLease;
  private Duration writeLease = DEFAULT_WRITE_LEASE;
  private List<TierSpec> lowerTiers = new ArrayList<>();
  private long eventStreamMaxLength = DEFAULT_EVENT_STREAM_MAX_LENGTH;
  private boolean clusterEvents;
  private long clusterEventsMaxLength = DEFAULT_CLUSTER_EVENTS_MAX_LENGTH;
  private transient Ticker ticker = Ticker.systemTicker();
  private transient Executor executor = ForkJoinPool.commonPool();
  private transient Executor asyncExecutor = StandardAsyncExecutor.get();

  /** Creates a configuration with the JSR-107 defaults and the vendor defaults above. */
  public MultiTierConfiguration() {}

  /** Copies a configuration, keeping the vendor settings if it is one of ours. */
  public MultiTierConfiguration(CompleteConfiguration<K, V> configuration) {
    super(configuration);
    if (configuration instanceof MultiTierConfiguration) {
      MultiTierConfiguration<K, V> other = (MultiTierConfiguration<K, V>) configuration;
      this.maximumSize = other.maximumSize;
      this.l1MaxTtl = other.l1MaxTtl;
      this.tiered = other.tiered;
      this.degradation = other.degradation;
      this.maxKeyBytes = other.maxKeyBytes;
      this.maxValueBytes = other.maxValueBytes;
      this.allowedClasses = new ArrayList<>(other.allowedClasses);
      this.codec = other.codec;
      this.compression = other.compression;
      this.compressAbove = other.compressAbove;
      this.eventStream = other.eventStream;
      this.stampedeLease = other.stampedeLease;
      this.writeLease = other.writeLease;
      this.lowerTiers = new ArrayList<>(other.lowerTiers);
      this.eventStreamMaxLength = other.eventStreamMaxLength;
      this.clusterEvents = other.clusterEvents;
      this.clusterEventsMaxLength = other.clusterEventsMaxLength;
      this.ticker = other.ticker;
      this.executor = other.executor;
      this.asyncExecutor = other.asyncExecutor;
    }
  }

  /** Returns the most entries the in-process tier holds before it evicts. */
  public long getMaximumSize() {
    return maximumSize;
  }

  /** Sets the most entries the in-process tier holds before it evicts. */
  public MultiTierConfiguration<K, V> setMaximumSize(long maximumSize) {
    if (maximumSize < 0) {
      throw new IllegalArgumentException("maximumSize must not be negative: " + maximumSize);
    }
    this.maximumSize = maximumSize;
    return this;
  }

  /** Returns how long the in-process tier may keep a copy of a shared entry. */
  public Duration getL1MaxTtl() {
    return l1MaxTtl;
  }

  /**
   * Sets how long the in-process tier may keep a copy of a shared entry: the staleness bound if an
   * invalidation notice is lost. {@link Duration#ZERO} keeps no copy at all, so every read of a
   * tiered cache goes to Redis and no node ever reads another's committed write stale.
   */
  public MultiTierConfiguration<K, V> setL1MaxTtl(Duration l1MaxTtl) {
    requireNonNull(l1MaxTtl, "l1MaxTtl");
    if (l1MaxTtl.isNegative()) {
      throw new IllegalArgumentException("l1MaxTtl must not be negative: " + l1MaxTtl);
    }
    this.l1MaxTtl = l1MaxTtl;
    return this;
  }

  /**
   * Returns whether the cache uses the shared tier when its CacheManager has one: as set, else
   * when it stores by value. A store-by-reference cache keeps the caller's own objects, which
   * cannot be shared with another JVM, so it is L1-only unless set to be tiered.
   */
  public boolean isTiered() {
    return (tiered == null) ? isStoreByValue() : tiered;
  }

  /** Sets whether the cache uses the shared tier; a tiered cache's keys and values must be serializable. */
  public MultiTierConfiguration<K, V> setTiered(boolean tiered) {
    this.tiered = tiered;
    return this;
  }

  /** Returns the class-name patterns that may be deserialized from the shared tier, beyond the JDK's value types. */
  public List<String> getAllowedClasses() {
    return List.copyOf(allowedClasses);
  }

  /**
   * Sets the class-name patterns ({@code com.example.Type}, {@code com.example.*},
   * {@code com.example.**}) that may be deserialized, and presets of them ({@code hibernate}).
   */
  public MultiTierConfiguration<K, V> setAllowedClasses(List<String> patterns) {
    for (String pattern : requireNonNull(patterns, "patterns")) {
      if (ClassPresets.isUnknownPreset(requireNonNull(pattern, "pattern"))) {
        String closest = SettingNames.closest(pattern.strip(), ClassPresets.names());
        throw new IllegalArgumentException("allowedClasses: '" + pattern + "' is neither a preset ("
            + String.join(", ", ClassPresets.names()) + ") nor a class-name pattern (com.example.Type, com.example.**)"
            + ((closest == null) ? "" : "; did you mean '" + closest + "'?"));
      }
    }
    this.allowedClasses = new ArrayList<>(patterns);
    return this;
  }

  /**
   * Returns the format of the values the cache shares with other JVMs and of its store-by-value
   * copies, or {@code null} if none is set: the cache then uses {@code kryo} if it is tiered and
   * Kryo is on the class path, {@code java} otherwise ({@link Codec#orDefault}).
   */
  public @Nullable Codec getCodec() {
    return codec;
  }

  /**
   * Sets the format of the values the cache shares with other JVMs and of its store-by-value copies
   * (by default {@code kryo} for a tiered cache, {@code java} for an L1-only one); every JVM that
   * shares the cache must use the same one. Either reads back only what {@link #setAllowedClasses}
   * allows.
   */
  public MultiTierConfiguration<K, V> setCodec(Codec codec) {
    this.codec = requireNonNull(codec, "codec");
    return this;
  }

  /** Returns whether values above {@link #getCompressAbove()} bytes are compressed before they go to the shared tier. */
  public Compression getCompression() {
    return compression;
  }

  /** Returns the size, in serialized bytes, above which a value is compressed when compression is on. */
  public int getCompressAbove() {
    return compressAbove;
  }

  /**
   * Compresses the values over {@code compressAbove} serialized bytes before they go to the shared
   * tier (default {@link Compression#NONE}); a value that would not get smaller is sent as it is.
   * Compressed values are read whatever a JVM's own setting, so changing it loses no entry.
   */
  public MultiTierConfiguration<K, V> setCompression(Compression compression, int compressAbove) {
    requireNonNull(compression, "compression");
    if (compressAbove < 0) {
      throw new IllegalArgumentException("compressAbove must not be negative: " + compressAbove);
    }
    this.compression = compression;
    this.compressAbove = compressAbove;
    return this;
  }

  /** Returns the name of the stream the cache appends its changes to, or {@code null} if it does not. */
  public @Nullable String getEventStream() {
    return eventStream;
  }

  /** Returns about how many changes the event stream keeps. */
  public long getEventStreamMaxLength() {
    return eventStreamMaxLength;
  }

  /**
   * Appends every create, update, remove and expiry of the cache to one of its streams (see
   * {@code StreamingBackend}), keeping about {@code maxLength} of them; a {@code null} name turns it off.
   */
  public MultiTierConfiguration<K, V> setEventStream(@Nullable String name, long maxLength) {
    if (maxLength <= 0) {
      throw new IllegalArgumentException("the event stream's maximum length must be positive: " + maxLength);
    }
    this.eventStream = name;
    this.eventStreamMaxLength = maxLength;
    return this;
  }

  /** Returns whether the cache's listeners hear the changes of every JVM that shares it, not only this one's. */
  public boolean isClusterEvents() {
    return clusterEvents;
  }

  /**
   * Makes the listeners of a tiered cache hear CREATED, UPDATED, REMOVED and EXPIRED from every JVM
   * that shares it: each write also appends the change to the cache's change stream in Redis,
   * which every JVM follows (see docs/extensions.md). Off by default: listeners hear their own
   * JVM's changes and Redis's expiries.
   */
  public MultiTierConfiguration<K, V> setClusterEvents(boolean clusterEvents) {
    this.clusterEvents = clusterEvents;
    return this;
  }

  /** Returns about how many changes the change stream of a cache with cluster events keeps. */
  public long getClusterEventsMaxLength() {
    return clusterEventsMaxLength;
  }

  /** Sets about how many changes the change stream keeps: how long a JVM may be away and still hear every change. */
  public MultiTierConfiguration<K, V> setClusterEventsMaxLength(long maxLength) {
    if (maxLength <= 0) {
      throw new IllegalArgumentException("the change stream's maximum length must be positive: " + maxLength);
    }
    this.clusterEventsMaxLength = maxLength;
    return this;
  }

  /** Returns the tiers below the shared one, fastest first. */
  public List<TierSpec> getLowerTiers() {
    return List.copyOf(lowerTiers);
  }

  /** Adds a tier below the shared one (and below those added before); only a tiered cache uses them. */
  public MultiTierConfiguration<K, V> addLowerTier(TierSpec tier) {
    lowerTiers.add(requireNonNull(tier, "tier"));
    return this;
  }

  /** Returns how long one JVM may hold the right to load a missing key, or {@code null} if JVMs do not coordinate loads. */
  public @Nullable Duration getStampedeLease() {
    return stampedeLease;
  }

  /**
   * Makes the JVMs that share this cache's Redis load a missing key once between them: the one
   * that takes the key's lease in Redis calls the loader, the others wait for its value, for at
   * most {@code lease}, then load themselves. {@code null} turns it off (each JVM loads once).
   */
  public MultiTierConfiguration<K, V> setStampedeLease(@Nullable Duration lease) {
    if (lease != null && (lease.isNegative() || lease.isZero())) {
      throw new IllegalArgumentException("the stampede lease must be positive: " + lease);
    }
    this.stampedeLease = lease;
    return this;
  }

  /** Returns the longest one JVM holds a key's lease while it writes through (tiered caches with a writer). */
  public Duration getWriteLease() {
    return writeLease;
  }

  /**
   * Sets the longest a JVM holds a key's lease while it tells the {@code CacheWriter} of a change
   * and writes it to Redis (default 10 seconds). While one JVM holds it, the others' writes to that
   * key wait, so the system of record and the cache see the changes in one order; a holder that
   * dies lets the others go on after this long. It must outlast a call to the writer.
   */
  public MultiTierConfiguration<K, V> setWriteLease(Duration lease) {
    requireNonNull(lease, "lease");
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("the write lease must be positive: " + lease);
    }
    this.writeLease = lease;
    return this;
  }

  /** Returns what the cache does while the shared tier cannot be reached. */
  public DegradationPolicy getDegradation() {
    return degradation;
  }

  /** Sets what the cache does while the shared tier cannot be reached (default {@link DegradationPolicy#FAIL_FAST}). */
  public MultiTierConfiguration<K, V> setDegradation(DegradationPolicy degradation) {
    this.degradation = requireNonNull(degradation, "degradation");
    return this;
  }

  /** Returns the longest key, in bytes of its encoded form, that a tiered cache takes. */
  public int getMaxKeyBytes() {
    return maxKeyBytes;
  }

  /**
   * Sets the longest key, in bytes of its encoded form in Redis (a {@code String} key is its UTF-8
   * length plus 2), that a tiered cache takes; a longer one is refused with an
   * {@link IllegalArgumentException} and nothing is written.
   */
  public MultiTierConfiguration<K, V> setMaxKeyBytes(int maxKeyBytes) {
    if (maxKeyBytes <= 0) {
      throw new IllegalArgumentException("maxKeyBytes must be positive: " + maxKeyBytes);
    }
    this.maxKeyBytes = maxKeyBytes;
    return this;
  }

  /** Returns the largest value, in serialized bytes, that a tiered cache takes. */
  public int getMaxValueBytes() {
    return maxValueBytes;
  }

  /**
   * Sets the largest value, in serialized bytes, that a tiered cache takes; a larger one is refused
   * with an {@link IllegalArgumentException} before the {@code CacheWriter} is called, and nothing is
   * written.
   */
  public MultiTierConfiguration<K, V> setMaxValueBytes(int maxValueBytes) {
    if (maxValueBytes <= 0) {
      throw new IllegalArgumentException("maxValueBytes must be positive: " + maxValueBytes);
    }
    this.maxValueBytes = maxValueBytes;
    return this;
  }

  /** Returns the source of time for expiry. */
  public Ticker getTicker() {
    return ticker;
  }

  /** Sets the source of time for expiry (tests inject a fake one). */
  public MultiTierConfiguration<K, V> setTicker(Ticker ticker) {
    this.ticker = requireNonNull(ticker, "ticker");
    return this;
  }

  /** Returns where asynchronous listeners and maintenance run. */
  public Executor getExecutor() {
    return executor;
  }

  /** Sets where asynchronous listeners and maintenance run. */
  public MultiTierConfiguration<K, V> setExecutor(Executor executor) {
    this.executor = requireNonNull(executor, "executor");
    return this;
  }

  /**
   * Returns where the asynchronous API ({@code cache.unwrap(AsyncCache.class)}) runs what may block:
   * loaders, writers, entry processors and writes.
   */
  public Executor getAsyncExecutor() {
    return asyncExecutor;
  }

  /**
   * Sets where the asynchronous API runs what may block; by default a virtual thread per task on
   * JDK 21 and later, else a shared pool of up to 64 daemon threads.
   */
  public MultiTierConfiguration<K, V> setAsyncExecutor(Executor asyncExecutor) {
    this.asyncExecutor = requireNonNull(asyncExecutor, "asyncExecutor");
    return this;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof MultiTierConfiguration) || !super.equals(o)) {
      return false;
    }
    MultiTierConfiguration<?, ?> other = (MultiTierConfiguration<?, ?>) o;
    return maximumSize == other.maximumSize && Objects.equals(tiered, other.tiered)
        && degradation == other.degradation && maxKeyBytes == other.maxKeyBytes
        && maxValueBytes == other.maxValueBytes
        && l1MaxTtl.equals(other.l1MaxTtl) && allowedClasses.equals(other.allowedClasses)
        && codec == other.codec && compression == other.compression && compressAbove == other.compressAbove
        && Objects.equals(eventStream, other.eventStream) && eventStreamMaxLength == other.eventStreamMaxLength
        && Objects.equals(stampedeLease, other.stampedeLease) && writeLease.equals(other.writeLease)
        && lowerTiers.equals(other.lowerTiers) && clusterEvents == other.clusterEvents
        && clusterEventsMaxLength == other.clusterEventsMaxLength;
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), maximumSize, l1MaxTtl, tiered, allowedClasses, eventStream,
        stampedeLease, degradation, maxKeyBytes, maxValueBytes, codec, compression, compressAbove);
  }
}
