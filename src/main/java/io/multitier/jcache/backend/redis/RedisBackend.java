package io.multitier.jcache.backend.redis;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.multitier.jcache.backend.redis.Scripts.Script;
import io.multitier.jcache.spi.BackendException;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.ReadForUpdate;
import io.multitier.jcache.spi.SharedEvent;
import io.multitier.jcache.spi.StreamingBackend;
import io.multitier.jcache.spi.Ttl;
import io.multitier.jcache.spi.ValueWithTtl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.cache.event.EventType;
import org.redisson.api.RKeys;
import org.redisson.api.RScript;
import org.redisson.api.RScript.Mode;
import org.redisson.api.RScript.ReturnType;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.StatusListener;
import org.redisson.api.options.KeysScanOptions;
import org.redisson.api.redisnode.BaseRedisNodes;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.RedisNoScriptException;
import org.redisson.client.WriteRedisConnectionException;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared tier: one cache's entries in Redis, reached through a Redisson client.
 *
 * <p>Keys live under {@code <prefix>{<cache>}:<key>} (see {@link KeyNamespace}), values are the
 * bytes as given, and a time to live is Redis's own {@code PX} expiry. Every operation is one round
 * trip, a Lua script for all but {@link #get} and {@link #getAll}; a script that changes a key also
 * publishes an {@link InvalidationMessage} naming it, so other JVMs hear of the change in the same
 * round trip. Each instance has its own sender id and ignores its own messages.
 *
 * <p>{@link #keys()} and {@link #clear()} walk this cache's keys with {@code SCAN}, never
 * {@code KEYS} or {@code FLUSHDB}. Failures are thrown as {@link BackendException}.
 */
final class RedisBackend implements L2CacheBackend<String, byte[]> {

  /** The key prefix used when none is given. */
  public static final String DEFAULT_PREFIX = "mtj:";

  private static final Logger logger = LoggerFactory.getLogger(RedisBackend.class);
  private static final String NAME = "L2 redis";
  private static final int BATCH = 1_000;
  /** How often a command that could not be written to a pooled connection is tried on another: Redisson's default pool size. */
  private static final int UNSENT_ATTEMPTS = 64;
  private static final Duration LONGEST_EXPIRY = Duration.ofMillis(Long.MAX_VALUE / 2);
  private static final byte[] TTL_ETERNAL = ascii("-1");
  private static final byte[] TTL_UNCHANGED = ascii("-2");
  private static final byte[] TTL_REMOVE = ascii("0");
  private static final byte[] ZERO = ascii("0");
  private static final byte[] ONE = ascii("1");
  private static final byte[] ABSENT = ascii("a");
  private static final byte[] PRESENT = ascii("p");
  private static final byte[] PUT = ascii("put");
  private static final byte[] DELETE = ascii("del");
  private static final byte[] EMPTY = new byte[0];

  private final RedissonClient client;
  private final boolean ownsClient;
  private final String cacheName;
  private final KeyNamespace namespace;
  private final String sender = UUID.randomUUID().toString();
  private final RScript script;
  private final StreamingBackend streams;
  private final Object[] writeHeader;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ConnectionTrouble trouble;
  private final List<Integer> topicListenerIds = new ArrayList<>();
  private final NoticeSequence sequence = new NoticeSequence();
  private final Reconciler reconciler;
  private final ExpiryNotifications expiries;
  private final long eventsMaxLength;
  private final List<Consumer<SharedEvent<String, byte[]>>> sharedListeners = new CopyOnWriteArrayList<>();
  private ChangeFeed changeFeed;
  private RTopic topic;

  /** Creates the tier for one cache under {@link #DEFAULT_PREFIX}; the caller keeps ownership of the client. */
  public RedisBackend(RedissonClient client, String cacheName) {
    this(client, DEFAULT_PREFIX, cacheName, false);
  }

  /**
   * Creates the tier for one cache.
   *
   * @param client the Redisson client to use
   * @param keyPrefix what every key of this provider starts with; may not contain braces
   * @param cacheName the cache's name, any string
   * @param ownsClient whether {@link #close()} shuts the client down
   */
  public RedisBackend(RedissonClient client, String keyPrefix, String cacheName, boolean ownsClient) {
    this(client, keyPrefix, cacheName, ownsClient, null, null, null, 0);
  }

  /**
   * As {@link #RedisBackend(RedissonClient, String, String, boolean)}, its failures to reach Redis
   * explained by {@code trouble}, its notices compared with Redis's count by {@code reconciler},
   * Redis's expiries heard through {@code expiries}, and, if {@code eventsMaxLength} is positive,
   * every change also appended to the cache's change stream of about that many entries.
   */
  RedisBackend(RedissonClient client, String keyPrefix, String cacheName, boolean ownsClient, ConnectionTrouble trouble,
      Reconciler reconciler, ExpiryNotifications expiries, long eventsMaxLength) {
    this.trouble = trouble;
    this.reconciler = reconciler;
    this.expiries = expiries;
    this.eventsMaxLength = eventsMaxLength;
    this.client = requireNonNull(client, "client");
    this.cacheName = requireNonNull(cacheName, "cacheName");
    this.namespace = new KeyNamespace(keyPrefix, cacheName);
    this.ownsClient = ownsClient;
    this.script = client.getScript(ByteArrayCodec.INSTANCE);
    this.streams = new RedisStreams(client, namespace);
    this.writeHeader = new Object[] {
        namespace.channel().getBytes(UTF_8),
        InvalidationMessage.keyHeader(sender, namespace.encodedName()).getBytes(UTF_8),
        ascii(namespace.keyPrefixBytes() + ((eventsMaxLength > 0) ? ":" + eventsMaxLength : ""))};
  }

  /** Returns this cache's streams in Redis: Redis Streams, one command per call. */
  @Override
  public Optional<StreamingBackend> streams() {
    return Optional.of(streams);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Returns the id this instance puts in its invalidation messages. */
  public String senderId() {
    return sender;
  }

  @Override
  public byte[] get(String key) {
    String redisKey = namespace.key(key);
    return call("get", () -> client.<byte[]>getBucket(redisKey, ByteArrayCodec.INSTANCE).get());
  }

  @Override
  public Map<String, byte[]> getAll(Collection<? extends String> keys) {
    requireNonNull(keys, "keys");
    Map<String, byte[]> found = new HashMap<>();
    for (List<String> batch : batches(keys)) {
      String[] redisKeys = batch.stream().map(namespace::key).toArray(String[]::new);
      Map<String, byte[]> values = call("getAll",
          () -> client.getBuckets(ByteArrayCodec.INSTANCE).<byte[]>get(redisKeys));
      values.forEach((redisKey, value) -> found.put(namespace.encodedKey(redisKey), value));
    }
    return found;
  }

  @Override
  public ValueWithTtl<byte[]> getWithTtl(String key) {
    List<Object> reply = eval("getWithTtl", Scripts.GET_WITH_TTL, ReturnType.MULTI, List.<Object>of(namespace.key(key)));
    return reply.isEmpty() ? null : withTtl(reply.get(0), reply.get(1));
  }

  @Override
  public Map<String, ValueWithTtl<byte[]>> getAllWithTtl(Collection<? extends String> keys) {
    requireNonNull(keys, "keys");
    Map<String, ValueWithTtl<byte[]>> found = new HashMap<>((int) (keys.size() / 0.75f) + 1);
    for (List<String> batch : batches(keys)) {
      List<Object> redisKeys = new ArrayList<>(batch.size());
      batch.forEach(key -> redisKeys.add(namespace.key(key)));
      List<Object> reply = eval("getAllWithTtl", Scripts.GET_ALL_WITH_TTL, ReturnType.MULTI, redisKeys);
      for (int i = 0; i + 2 < reply.size(); i += 3) {
        int index = ((Long) reply.get(i)).intValue() - 1;
        ValueWithTtl<byte[]> value = withTtl(reply.get(i + 1), reply.get(i + 2));
        if (value != null) {
          found.put(batch.get(index), value);
        }
      }
    }
    return found;
  }

  @Override
  public void setWithTtl(String key, byte[] value, Duration ttl) {
    requireNonNull(value, "value");
    write("setWithTtl", Scripts.SET, ReturnType.INTEGER, key, value, ttlArgument(ttl));
  }

  @Override
  public void setAllWithTtl(Map<? extends String, ? extends byte[]> entries, Map<? extends String, Duration> ttls) {
    requireNonNull(entries, "entries");
    requireNonNull(ttls, "ttls");
    List<String> keys = new ArrayList<>(entries.keySet());
    for (List<String> batch : batches(keys)) {
      List<Object> redisKeys = new ArrayList<>(batch.size());
      Object[] args = new Object[writeHeader.length + 2 * batch.size()];
      System.arraycopy(writeHeader, 0, args, 0, writeHeader.length);
      int next = writeHeader.length;
      for (String key : batch) {
        redisKeys.add(namespace.key(key));
        args[next++] = requireNonNull(entries.get(key), "value");
        args[next++] = ttlArgument(requireNonNull(ttls.get(key), "ttl"));
      }
      eval("setAllWithTtl", Scripts.SET_ALL, ReturnType.INTEGER, redisKeys, args);
    }
  }

  @Override
  public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
    requireNonNull(value, "value");
    return write("putIfAbsent", Scripts.PUT_IF_ABSENT, ReturnType.BOOLEAN, key, value, ttlArgument(ttl));
  }

  @Override
  public boolean replace(String key, byte[] expected, byte[] value, Duration ttl) {
    requireNonNull(expected, "expected");
    requireNonNull(value, "value");
    return write("replace", Scripts.REPLACE, ReturnType.BOOLEAN, key, expected, value, ttlArgument(ttl));
  }

  @Override
  public boolean remove(String key) {
    return write("remove", Scripts.REMOVE, ReturnType.BOOLEAN, key);
  }

  @Override
  public boolean acquireLease(String key, String owner, Duration ttl) {
    return eval("acquireLease", Scripts.ACQUIRE_LEASE, ReturnType.BOOLEAN,
        List.<Object>of(namespace.leaseKey(key)), owner.getBytes(UTF_8), ttlArgument(ttl));
  }

  @Override
  public void releaseLease(String key, String owner) {
    eval("releaseLease", Scripts.RELEASE_LEASE, ReturnType.INTEGER,
        List.<Object>of(namespace.leaseKey(key)), owner.getBytes(UTF_8));
  }

  @Override
  public ReadForUpdate<byte[]> readForUpdate(String key, String owner, Duration lease, boolean leaseIfPresent) {
    List<Object> reply = eval("readForUpdate", Scripts.READ_FOR_UPDATE, ReturnType.MULTI,
        List.<Object>of(namespace.key(key), namespace.leaseKey(key)), owner.getBytes(UTF_8),
        ttlArgument(lease), leaseIfPresent ? ONE : ZERO);
    long state = (Long) reply.get(0);
    if (state == 0) {
      return ReadForUpdate.blockedByAnother();
    }
    ValueWithTtl<byte[]> current = (reply.size() < 3) ? null : withTtl(reply.get(1), reply.get(2));
    return (state == 1) ? ReadForUpdate.unleased(current) : ReadForUpdate.leased(current);
  }

  @Override
  public boolean commit(String key, byte[] expected, byte[] value, Duration ttl, String owner) {
    Object[] args = new Object[writeHeader.length + 6];
    System.arraycopy(writeHeader, 0, args, 0, writeHeader.length);
    int next = writeHeader.length;
    args[next++] = (expected == null) ? ABSENT : PRESENT;
    args[next++] = (expected == null) ? EMPTY : expected;
    args[next++] = (value == null) ? DELETE : PUT;
    args[next++] = (value == null) ? EMPTY : value;
    args[next++] = (value == null) ? TTL_REMOVE : ttlArgument(ttl);
    args[next] = (owner == null) ? EMPTY : owner.getBytes(UTF_8);
    return eval("commit", Scripts.COMMIT, ReturnType.BOOLEAN,
        List.<Object>of(namespace.key(key), namespace.leaseKey(key)), args);
  }

  @Override
  public void extendAll(Map<String, Duration> ttls) {
    requireNonNull(ttls, "ttls");
    for (List<String> batch : batches(ttls.keySet())) {
      List<Object> redisKeys = new ArrayList<>(batch.size());
      Object[] args = new Object[batch.size()];
      for (int i = 0; i < batch.size(); i++) {
        redisKeys.add(namespace.key(batch.get(i)));
        args[i] = ttlArgument(ttls.get(batch.get(i)));
      }
      eval("extendAll", Scripts.EXTEND_ALL, ReturnType.INTEGER, redisKeys, args);
    }
  }

  @Override
  public boolean remove(String key, byte[] expected) {
    requireNonNull(expected, "expected");
    return write("remove", Scripts.REMOVE_IF_EQUAL, ReturnType.BOOLEAN, key, expected);
  }

  @Override
  public Map<String, byte[]> getAndPutAll(Map<? extends String, ? extends byte[]> entries,
      Duration ttlIfAbsent, Duration ttlIfPresent) {
    requireNonNull(entries, "entries");
    Map<String, byte[]> previous = new HashMap<>();
    putInBatches("getAndPutAll", Scripts.GET_AND_PUT_ALL, entries, ttlIfAbsent, ttlIfPresent, (batch, olds) -> {
      for (int i = 0; i < batch.size(); i++) {
        if (olds.get(i) instanceof byte[]) {
          previous.put(batch.get(i), (byte[]) olds.get(i));
        }
      }
    });
    return previous;
  }

  @Override
  public byte[] getAndPut(String key, byte[] value, Duration ttlIfAbsent, Duration ttlIfPresent) {
    requireNonNull(value, "value");
    return write("getAndPut", Scripts.GET_AND_PUT, ReturnType.VALUE, key, value,
        ttlArgument(ttlIfAbsent), ttlArgument(ttlIfPresent));
  }

  @Override
  public boolean put(String key, byte[] value, Duration ttlIfAbsent, Duration ttlIfPresent) {
    requireNonNull(value, "value");
    return write("put", Scripts.PUT, ReturnType.BOOLEAN, key, value, ttlArgument(ttlIfAbsent), ttlArgument(ttlIfPresent));
  }

  @Override
  public Set<String> putAll(Map<? extends String, ? extends byte[]> entries, Duration ttlIfAbsent,
      Duration ttlIfPresent) {
    requireNonNull(entries, "entries");
    Set<String> present = new HashSet<>();
    putInBatches("putAll", Scripts.PUT_ALL, entries, ttlIfAbsent, ttlIfPresent, (batch, flags) -> {
      for (int i = 0; i < batch.size(); i++) {
        if (Long.valueOf(1).equals(flags.get(i))) {
          present.add(batch.get(i));
        }
      }
    });
    return present;
  }

  @Override
  public boolean holds(String key, byte[] expected) {
    requireNonNull(expected, "expected");
    return eval("holds", Scripts.HOLDS, ReturnType.BOOLEAN, List.<Object>of(namespace.key(key)), expected);
  }

  @Override
  public byte[] getAndRemove(String key) {
    return write("getAndRemove", Scripts.GET_AND_REMOVE, ReturnType.VALUE, key);
  }

  @Override
  public boolean setTtl(String key, Duration ttl) {
    return write("setTtl", Scripts.SET_TTL, ReturnType.BOOLEAN, key, ttlArgument(ttl));
  }

  @Override
  public Iterator<String> keys() {
    Iterator<String> redisKeys = call("keys", () -> scan().iterator());
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return call("keys", redisKeys::hasNext);
      }

      @Override
      public String next() {
        return namespace.encodedKey(call("keys", redisKeys::next));
      }
    };
  }

  @Override
  public void clear() {
    RuntimeException failure = null;
    try {
      RKeys rkeys = client.getKeys();
      List<String> batch = new ArrayList<>(BATCH);
      for (String redisKey : scan()) {
        batch.add(redisKey);
        if (batch.size() == BATCH) {
          rkeys.unlink(batch.toArray(String[]::new));
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        rkeys.unlink(batch.toArray(String[]::new));
      }
    } catch (RuntimeException e) {
      failure = e;
    }
    try {
      eval("clear", Scripts.NOTIFY_CLEARED, ReturnType.INTEGER, List.<Object>of(namespace.sequenceKey()),
          namespace.channel().getBytes(UTF_8), InvalidationMessage.clearAll(sender, namespace.encodedName()).getBytes(UTF_8));
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure != null) {
      throw failed("clear", failure);
    }
  }

  @Override
  public Health healthCheck() {
    return (trouble == null) ? ping() : trouble.probe(this::ping);
  }

  private Health ping() {
    long start = System.nanoTime();
    try {
      boolean answered = nodes().pingAll();
      String latency = String.format(Locale.ROOT, "%.1f ms", (System.nanoTime() - start) / 1e6);
      return answered ? Health.up(NAME, "PING answered in " + latency)
          : Health.down(NAME, "PING unanswered after " + latency);
    } catch (RuntimeException e) {
      String explained = (trouble == null) ? null : trouble.explain(e);
      return Health.down(NAME, "PING failed: " + ((explained != null) ? explained : e.getMessage()));
    }
  }

  /**
   * Subscribes to this cache's invalidation channel: the listener hears of keys that other clients
   * changed, and {@code null} when they cleared the cache or after the subscription was restored
   * following a lost connection.
   */
  @Override
  public void onInvalidation(Consumer<String> listener) {
    requireNonNull(listener, "listener");
    synchronized (topicListenerIds) {
      if (closed.get()) {
        throw new IllegalStateException(this + " is closed");
      }
      if (topic == null) {
        subscribe();
      }
      listeners.add(listener);
    }
  }

  /** Unsubscribes, and shuts the client down if this backend owns it; the entries stay in Redis. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    listeners.clear();
    sharedListeners.clear();
    if (reconciler != null) {
      reconciler.remove(this);
    }
    synchronized (sharedListeners) {
      if (expiries != null) {
        expiries.unwatch(this);
      }
      if (changeFeed != null) {
        changeFeed.close();
        changeFeed = null;
      }
    }
    synchronized (topicListenerIds) {
      if (topic != null) {
        try {
          topic.removeListener(topicListenerIds.toArray(Integer[]::new));
        } catch (RuntimeException e) {
          logger.debug("Could not unsubscribe from {}", namespace.channel(), e);
        }
        topic = null;
        topicListenerIds.clear();
      }
    }
    if (ownsClient) {
      client.shutdown();
    }
  }

  @Override
  public String toString() {
    return NAME + "[" + cacheName + "]";
  }

  private void subscribe() {
    RTopic subscribed = client.getTopic(namespace.channel(), StringCodec.INSTANCE);
    int messages = call("subscribe", () -> subscribed.addListener(String.class, (channel, message) -> received(message)));
    try {
      topicListenerIds.add(call("subscribe", () -> subscribed.addListener(new Resubscribed())));
    } catch (BackendException e) {
      try {
        subscribed.removeListener(messages);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    topicListenerIds.add(messages);
    topic = subscribed;
    try {
      Long counted = eval("subscribe", Scripts.SEQUENCE, ReturnType.INTEGER, List.<Object>of(namespace.sequenceKey()));
      sequence.start(counted);
    } catch (BackendException e) {
      logger.debug("{} could not read its sequence number; the first reconciliation drops its L1 copies", this, e);
    }
    if (reconciler != null) {
      reconciler.add(this);
    }
  }

  /**
   * Tells the listener of the entries Redis expires (from keyspace notifications, see
   * {@link ExpiryNotifications}) and, if the cache keeps a change stream, of every change any
   * client made, this one's too, read from that stream in its order.
   */
  @Override
  public void onSharedEvents(Consumer<SharedEvent<String, byte[]>> listener) {
    requireNonNull(listener, "listener");
    synchronized (sharedListeners) {
      if (closed.get()) {
        throw new IllegalStateException(this + " is closed");
      }
      if (sharedListeners.isEmpty()) {
        if (expiries != null) {
          call("listen", () -> {
            expiries.watch(this);
            return null;
          });
        }
        if (eventsMaxLength > 0) {
          changeFeed = call("listen", () -> new ChangeFeed(client, namespace.eventsKey(), cacheName, this::changed));
        }
      }
      sharedListeners.add(listener);
    }
  }

  /** Returns what every Redis key of this cache starts with. */
  String tag() {
    return namespace.tag();
  }

  /** Tells the shared-event listeners that Redis expired the key. */
  void expired(String encodedKey) {
    share(new SharedEvent<>(EventType.EXPIRED, encodedKey, null, null, SharedEvent.Source.STORE));
  }

  private void changed(Map<String, byte[]> fields) {
    byte[] kind = fields.get("t");
    byte[] key = fields.get("k");
    if (kind == null || kind.length != 1 || key == null) {
      return;
    }
    EventType type;
    switch (kind[0]) {
      case 'C': type = EventType.CREATED; break;
      case 'U': type = EventType.UPDATED; break;
      case 'R': type = EventType.REMOVED; break;
      case 'E': type = EventType.EXPIRED; break;
      default: return;
    }
    byte[] from = fields.get("s");
    SharedEvent.Source source = (from != null && sender.equals(new String(from, UTF_8)))
        ? SharedEvent.Source.THIS_CLIENT : SharedEvent.Source.OTHER_CLIENT;
    share(new SharedEvent<>(type, new String(key, UTF_8), fields.get("v"), fields.get("o"), source));
  }

  private void share(SharedEvent<String, byte[]> event) {
    for (Consumer<SharedEvent<String, byte[]>> listener : sharedListeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        logger.warn("A listener of {} failed on {} {}", this, event.type(), event.key(), e);
      }
    }
  }

  /** Returns the highest number of the cache's notices heard so far. */
  long heardSoFar() {
    return sequence.highest();
  }

  /** Returns the Redis key of this cache's change count, which {@link Reconciler} reads. */
  String sequenceKey() {
    return namespace.sequenceKey();
  }

  /**
   * Compares the notices heard with Redis's count, read after {@code heardBefore} was heard: drops
   * every copy if the count went back, and if it is ahead, looks again once a notice had time to
   * arrive.
   */
  void compare(long seq, long heardBefore) {
    if (sequence.wentBack(seq, heardBefore)) {
      missed("Redis lost changes (its count of them went back: a FLUSHALL, a restart or a failover)");
    } else if (seq > sequence.highest()) {
      Reconciler.afterGrace(() -> checkMissing(seq, "the last invalidation notice was lost"));
    }
  }

  private void checkMissing(long seq, String why) {
    if (sequence.missing(seq)) {
      missed(why);
    }
  }

  private void received(String message) {
    InvalidationMessage parsed = InvalidationMessage.parse(message);
    if (parsed.cache() == null) {
      tell(null);
    } else if (parsed.cache().equals(namespace.encodedName())) {
      long seq = parsed.seq();
      if (sequence.heard(seq)) {
        Reconciler.afterGrace(() -> checkMissing(seq - 1, "an invalidation notice was lost"));
      }
      if (!sender.equals(parsed.sender())) {
        tell(parsed.key());
      }
    }
  }

  private void missed(String why) {
    logger.info("{}: {}; dropping the cache's L1 copies", this, why);
    tell(null);
  }

  private void tell(String key) {
    for (Consumer<String> listener : listeners) {
      try {
        listener.accept(key);
      } catch (RuntimeException e) {
        logger.warn("An invalidation listener of {} failed", this, e);
      }
    }
  }

  /**
   * Runs a put script ({@code ARGV[4]} ttl if absent, {@code ARGV[5]} ttl if present, then one
   * value per key) over the entries, one batch of keys a round trip, handing each batch's keys and
   * reply to {@code replies}.
   */
  private void putInBatches(String operation, Script source, Map<? extends String, ? extends byte[]> entries,
      Duration ttlIfAbsent, Duration ttlIfPresent, BiConsumer<List<String>, List<Object>> replies) {
    byte[] ifAbsent = ttlArgument(ttlIfAbsent);
    byte[] ifPresent = ttlArgument(ttlIfPresent);
    for (List<String> batch : batches(new ArrayList<>(entries.keySet()))) {
      List<Object> redisKeys = new ArrayList<>(batch.size());
      Object[] args = new Object[writeHeader.length + 2 + batch.size()];
      System.arraycopy(writeHeader, 0, args, 0, writeHeader.length);
      int next = writeHeader.length;
      args[next++] = ifAbsent;
      args[next++] = ifPresent;
      for (String key : batch) {
        redisKeys.add(namespace.key(key));
        args[next++] = requireNonNull(entries.get(key), "value");
      }
      replies.accept(batch, eval(operation, source, ReturnType.MULTI, redisKeys, args));
    }
  }

  private <R> R write(String operation, Script source, ReturnType type, String key, Object... args) {
    Object[] all = new Object[writeHeader.length + args.length];
    System.arraycopy(writeHeader, 0, all, 0, writeHeader.length);
    System.arraycopy(args, 0, all, writeHeader.length, args.length);
    return eval(operation, source, type, List.<Object>of(namespace.key(key)), all);
  }

  private <R> R eval(String operation, Script source, ReturnType type, List<Object> keys, Object... args) {
    String routingKey = (String) keys.get(0);
    return call(operation, () -> {
      try {
        return script.<R>evalSha(routingKey, Mode.READ_WRITE, source.sha(), type, keys, args);
      } catch (RedisNoScriptException e) {
        return script.<R>eval(routingKey, Mode.READ_WRITE, source.source(), type, keys, args);
      }
    });
  }

  private <T> T call(String operation, Supplier<T> action) {
    for (int attempt = 1; ; attempt++) {
      try {
        return action.get();
      } catch (BackendException e) {
        throw e;
      } catch (WriteRedisConnectionException e) {
        // the command never left this JVM. If the server answers a PING on a connection of its
        // own, a pooled connection died with a restarted server and Redisson has not replaced it
        // yet: another connection of the pool is tried, at once. A server that is down fails now.
        if (attempt >= UNSENT_ATTEMPTS || !healthCheck().healthy()) {
          throw failed(operation, e);
        }
      } catch (RuntimeException e) {
        throw failed(operation, e);
      }
    }
  }

  private BackendException failed(String operation, RuntimeException cause) {
    String explained = (trouble == null) ? null : trouble.explain(cause);
    return new BackendException(NAME + " " + operation + " failed for cache '" + cacheName + "': "
        + ((explained != null) ? explained : cause.getMessage()), cause);
  }

  private Iterable<String> scan() {
    return client.getKeys().getKeys(KeysScanOptions.defaults().pattern(namespace.scanPattern()).chunkSize(BATCH));
  }

  private BaseRedisNodes nodes() {
    Config config = client.getConfig();
    if (config.isClusterConfig()) {
      return client.getRedisNodes(RedisNodes.CLUSTER);
    }
    if (config.isSentinelConfig()) {
      return client.getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE);
    }
    if (config.isSingleConfig()) {
      return client.getRedisNodes(RedisNodes.SINGLE);
    }
    return client.getRedisNodes(RedisNodes.MASTER_SLAVE);
  }

  private static List<List<String>> batches(Collection<? extends String> keys) {
    List<List<String>> batches = new ArrayList<>();
    List<String> batch = new ArrayList<>(Math.min(keys.size(), BATCH));
    for (String key : keys) {
      batch.add(requireNonNull(key, "key"));
      if (batch.size() == BATCH) {
        batches.add(batch);
        batch = new ArrayList<>(BATCH);
      }
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
    }
    return batches;
  }

  private static ValueWithTtl<byte[]> withTtl(Object value, Object pttl) {
    long millis = (Long) pttl;
    if (millis == -1) {
      return new ValueWithTtl<>((byte[]) value, Ttl.ETERNAL);
    }
    return (millis > 0) ? new ValueWithTtl<>((byte[]) value, Duration.ofMillis(millis)) : null;
  }

  static byte[] ttlArgument(Duration ttl) {
    requireNonNull(ttl, "ttl");
    if (Ttl.isUnchanged(ttl)) {
      return TTL_UNCHANGED;
    }
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("negative time to live: " + ttl);
    }
    if (ttl.isZero()) {
      return TTL_REMOVE;
    }
    if (ttl.compareTo(LONGEST_EXPIRY) > 0) {
      return TTL_ETERNAL;
    }
    long millis = ttl.toMillis();
    if (ttl.compareTo(Duration.ofMillis(millis)) > 0) {
      millis++;
    }
    return ascii(Long.toString(millis));
  }

  private static byte[] ascii(String text) {
    return text.getBytes(US_ASCII);
  }

  /** Tells the listeners that notices may have been missed whenever the subscription is restored. */
  private final class Resubscribed implements StatusListener {

    @Override
    public void onSubscribe(String channel) {
      tell(null);
    }

    @Override
    public void onUnsubscribe(String channel) {}
  }
}
