package io.multitier.jcache.backend.redis;

import static io.multitier.jcache.backend.redis.WireValues.ABSENT;
import static io.multitier.jcache.backend.redis.WireValues.DELETE;
import static io.multitier.jcache.backend.redis.WireValues.EMPTY;
import static io.multitier.jcache.backend.redis.WireValues.ONE;
import static io.multitier.jcache.backend.redis.WireValues.PRESENT;
import static io.multitier.jcache.backend.redis.WireValues.PUT;
import static io.multitier.jcache.backend.redis.WireValues.TTL_REMOVE;
import static io.multitier.jcache.backend.redis.WireValues.ZERO;
import static io.multitier.jcache.backend.redis.WireValues.ascii;
import static io.multitier.jcache.backend.redis.WireValues.batches;
import static io.multitier.jcache.backend.redis.WireValues.eternal;
import static io.multitier.jcache.backend.redis.WireValues.ttlToWire;
import static io.multitier.jcache.backend.redis.WireValues.withTtl;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.multitier.jcache.backend.redis.Scripts.Script;
import io.multitier.jcache.spi.BackendException;
import io.multitier.jcache.spi.Change;
import io.multitier.jcache.spi.ClassDictionary;
import io.multitier.jcache.spi.Expected;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.InvalidationListener;
import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.Lease;
import io.multitier.jcache.spi.LeaseWhen;
import io.multitier.jcache.spi.ReadForUpdate;
import io.multitier.jcache.spi.SharedEvent;
import io.multitier.jcache.spi.StreamingBackend;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RScript.ReturnType;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * The shared tier: one cache's entries in Redis, reached through a Redisson client.
 *
 * <p>Keys live under {@code <prefix>{<cache>}:<key>} (see {@link KeyNamespace}), values are the
 * bytes as given, and a time to live is Redis's own {@code PX} expiry. Every operation is one round
 * trip, a Lua script for all but {@link #get} and {@link #getAll}; a script that changes a key also
 * publishes an {@link InvalidationMessage} naming it, so other JVMs hear of the change in the same
 * round trip (under {@code invalidation: tracking} it publishes nothing: Redis tells the JVMs that
 * read the key); {@link Invalidations} hears them, and {@link SharedEvents} Redis's expiries and the
 * change stream. Each instance has its own sender id ({@link CacheLink}) and ignores its own messages.
 *
 * <p>Values refer to their classes through the cache's class dictionary ({@link ClassNames}), whose
 * new entries ride along with the write scripts. {@link #keys()} and {@link #clear()} walk this
 * cache's keys with {@code SCAN} ({@link KeyScan}).
 * Failures are thrown as {@link BackendException}.
 */
final class RedisBackend implements L2CacheBackend<String, byte[]> {

  /** The key prefix used when none is given. */
  public static final String DEFAULT_PREFIX = "mtj:";

  private static final String NAME = CacheLink.NAME;
  /** How long an entry of the class dictionary goes unclaimed after it was last seen in Redis. */
  private static final Duration RECLAIM_AFTER = Duration.ofSeconds(2);
  /** How long a reference missing from the class dictionary is not looked up again. */
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  /** The first argument of a write script under tracking when writers keep copies ({@link Scripts}). */
  private static final byte[] TRACKED_WRITERS = {'+'};

  private final RedissonClient client;
  private final KeyNamespace namespace;
  private final CacheLink link;
  private final String sender;
  private final StreamingBackend streams;
  private final KeyScan keyScan;
  private final Object[] writeHeader;
  private final Invalidations invalidations;
  private final SharedEvents events;
  private final ClassNames classNames;
  private final boolean tellsWriters;

  /**
   * Creates the tier for one cache (see {@link BackendFactory}).
   *
   * @param link the cache's link to Redis
   * @param eventsMaxLength if positive, every change is also appended to the cache's change stream,
   *     trimmed to about that many entries
   * @param invalidations where the cache hears of other clients' changes
   * @param events where the cache hears of Redis's expiries and of its change stream
   * @param writersKeepCopies whether this client goes on being told of changes to keys it wrote
   *     (true under published notices; under tracking, each write then reads its keys back); a
   *     loaded value is kept either way
   */
  RedisBackend(CacheLink link, long eventsMaxLength, Invalidations invalidations, SharedEvents events,
      boolean writersKeepCopies) {
    this.link = requireNonNull(link, "link");
    this.invalidations = requireNonNull(invalidations, "invalidations");
    this.events = requireNonNull(events, "events");
    this.client = link.client();
    this.namespace = link.namespace();
    this.sender = link.sender();
    this.streams = new RedisStreams(client, namespace);
    this.keyScan = new KeyScan(link);
    this.classNames = new ClassNames(link, RECLAIM_AFTER, RETRY_AFTER);
    this.tellsWriters = writersKeepCopies;
    this.writeHeader = new Object[] {
        !link.tracking() ? namespace.channel().getBytes(UTF_8) : writersKeepCopies ? TRACKED_WRITERS : EMPTY,
        InvalidationMessage.keyHeader(sender, namespace.encodedName()).getBytes(UTF_8),
        ascii(namespace.keyPrefixBytes() + ((eventsMaxLength > 0) ? ":" + eventsMaxLength : ""))};
  }

  /** Returns this cache's streams in Redis: Redis Streams, one command per call. */
  @Override
  public Optional<StreamingBackend> streams() {
    return Optional.of(streams);
  }

  /** Returns this cache's class dictionary in Redis ({@link ClassNames}). */
  @Override
  public Optional<ClassDictionary> classDictionary() {
    return Optional.of(classNames);
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Returns whether this client is told of later changes to a key it wrote: always under published
   * notices (it hears every change); under tracking only if writers keep copies, since each write
   * then reads its keys back. A value put if absent ({@link #putIfAbsent}, a loaded or promoted
   * value) is read back whatever this answers.
   */
  @Override
  public boolean tellsWriters() {
    return tellsWriters;
  }

  /** Returns the id this instance puts in its invalidation messages. */
  public String senderId() {
    return sender;
  }

  @Override
  public byte[] get(String key) {
    String redisKey = namespace.key(key);
    return link.call("get", () -> client.<byte[]>getBucket(redisKey, ByteArrayCodec.INSTANCE).get());
  }

  @Override
  public Map<String, byte[]> getAll(Collection<? extends String> keys) {
    requireNonNull(keys, "keys");
    Map<String, byte[]> found = new HashMap<>();
    for (List<String> batch : batches(keys)) {
      String[] redisKeys = batch.stream().map(namespace::key).toArray(String[]::new);
      Map<String, byte[]> values = link.call("getAll",
          () -> client.getBuckets(ByteArrayCodec.INSTANCE).<byte[]>get(redisKeys));
      values.forEach((redisKey, value) -> found.put(namespace.encodedKey(redisKey), value));
    }
    return found;
  }

  @Override
  public @Nullable ValueWithTtl<byte[]> getWithTtl(String key) {
    return link.await("getWithTtl", getWithTtlAsync(key));
  }

  /** Reads the value and its time to live in one round trip, as {@link #getWithTtl}, holding no thread meanwhile. */
  @Override
  public CompletionStage<@Nullable ValueWithTtl<byte[]>> getWithTtlAsync(String key) {
    return link.<List<Object>>evalAsync("getWithTtl", Scripts.GET_WITH_TTL, ReturnType.MULTI,
        List.<Object>of(namespace.key(key))).thenApply(reply -> reply.isEmpty() ? null : withTtl(reply.get(0), reply.get(1)));
  }

  @Override
  public Map<String, ValueWithTtl<byte[]>> getAllWithTtl(Collection<? extends String> keys) {
    return link.await("getAllWithTtl", getAllWithTtlAsync(keys));
  }

  /** Reads the keys as {@link #getAllWithTtl}, one batch after the other, holding no thread meanwhile. */
  @Override
  public CompletionStage<Map<String, ValueWithTtl<byte[]>>> getAllWithTtlAsync(Collection<? extends String> keys) {
    requireNonNull(keys, "keys");
    Map<String, ValueWithTtl<byte[]>> found = new HashMap<>((int) (keys.size() / 0.75f) + 1);
    CompletableFuture<Void> read = CompletableFuture.completedFuture(null);
    for (List<String> batch : batches(keys)) {
      read = read.thenCompose(previous -> readBatch(batch, found));
    }
    return read.thenApply(done -> found);
  }

  /** Reads one batch of keys, adding the present ones to {@code found}. */
  private CompletableFuture<Void> readBatch(List<String> batch, Map<String, ValueWithTtl<byte[]>> found) {
    List<Object> redisKeys = new ArrayList<>(batch.size() + 1);
    redisKeys.add(namespace.expiringKey());
    batch.forEach(key -> redisKeys.add(namespace.key(key)));
    return link.<List<Object>>evalAsync("getAllWithTtl", Scripts.GET_ALL_WITH_TTL, ReturnType.MULTI, redisKeys)
        .thenAccept(reply -> readReply(batch, reply, found));
  }

  /** Adds the present keys of a {@link Scripts#GET_ALL_WITH_TTL} reply to {@code found}: without times to live, eternal. */
  private static void readReply(List<String> batch, List<Object> reply, Map<String, ValueWithTtl<byte[]>> found) {
    int size = batch.size();
    boolean expiring = reply.size() > size + 1;
    for (int i = 0; i < size; i++) {
      Object value = reply.get(i + 1);
      if (value == null) {
        continue;
      }
      ValueWithTtl<byte[]> read = expiring ? withTtl(value, reply.get(size + 1 + i)) : eternal(value);
      if (read != null) {
        found.put(batch.get(i), read);
      }
    }
  }

  @Override
  public void setWithTtl(String key, byte[] value, Duration ttl) {
    requireNonNull(value, "value");
    write("setWithTtl", Scripts.SET, ReturnType.INTEGER, key, value, ttlToWire(ttl));
  }

  @Override
  public void setAllWithTtl(Map<? extends String, ? extends byte[]> entries, Map<? extends String, Duration> ttls) {
    requireNonNull(entries, "entries");
    requireNonNull(ttls, "ttls");
    List<String> keys = new ArrayList<>(entries.keySet());
    for (List<String> batch : batches(keys)) {
      List<Object> redisKeys = new ArrayList<>(batch.size());
      Object[] args = writeArgs(2 * batch.size());
      int next = writeHeader.length;
      for (String key : batch) {
        redisKeys.add(namespace.key(key));
        args[next++] = requireNonNull(entries.get(key), "value");
        args[next++] = ttlToWire(requireNonNull(ttls.get(key), "ttl"));
      }
      written("setAllWithTtl", Scripts.SET_ALL, ReturnType.INTEGER, redisKeys, args);
    }
  }

  @Override
  public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
    requireNonNull(value, "value");
    return write("putIfAbsent", Scripts.PUT_IF_ABSENT, ReturnType.BOOLEAN, key, value, ttlToWire(ttl));
  }

  @Override
  public boolean replace(String key, byte[] expected, byte[] value, Duration ttl) {
    requireNonNull(expected, "expected");
    requireNonNull(value, "value");
    return write("replace", Scripts.REPLACE, ReturnType.BOOLEAN, key, expected, value, ttlToWire(ttl));
  }

  @Override
  public boolean remove(String key) {
    return write("remove", Scripts.REMOVE, ReturnType.BOOLEAN, key);
  }

  /** Removes the keys, one round trip per batch, each batch one notice naming its keys; returns how many were present. */
  @Override
  public int removeAll(Collection<? extends String> keys) {
    requireNonNull(keys, "keys");
    int removed = 0;
    for (List<String> batch : batches(keys)) {
      List<Object> redisKeys = new ArrayList<>(batch.size());
      batch.forEach(key -> redisKeys.add(namespace.key(key)));
      Long count = written("removeAll", Scripts.REMOVE_ALL, ReturnType.INTEGER, redisKeys, writeArgs(0));
      removed += count.intValue();
    }
    return removed;
  }

  @Override
  public boolean acquireLease(String key, Lease lease) {
    return link.eval("acquireLease", Scripts.ACQUIRE_LEASE, ReturnType.BOOLEAN,
        List.<Object>of(namespace.leaseKey(key)), owner(lease), ttlToWire(lease.ttl()));
  }

  @Override
  public void releaseLease(String key, Lease lease) {
    link.eval("releaseLease", Scripts.RELEASE_LEASE, ReturnType.INTEGER,
        List.<Object>of(namespace.leaseKey(key)), owner(lease));
  }

  @Override
  public ReadForUpdate<byte[]> readForUpdate(String key, Lease lease, LeaseWhen when) {
    List<Object> reply = link.eval("readForUpdate", Scripts.READ_FOR_UPDATE, ReturnType.MULTI,
        List.<Object>of(namespace.key(key), namespace.leaseKey(key)), owner(lease),
        ttlToWire(lease.ttl()), (when == LeaseWhen.ALWAYS) ? ONE : ZERO);
    long state = (Long) reply.get(0);
    if (state == 0) {
      return ReadForUpdate.blockedByAnother();
    }
    ValueWithTtl<byte[]> current = (reply.size() < 3) ? null : withTtl(reply.get(1), reply.get(2));
    return (state == 1) ? ReadForUpdate.unleased(current) : ReadForUpdate.leased(current);
  }

  @Override
  public boolean commit(String key, Expected<byte[]> expected, Change<byte[]> change, Lease lease) {
    Object[] args = writeArgs(6);
    int next = writeHeader.length;
    args[next++] = expected.isAbsent() ? ABSENT : PRESENT;
    args[next++] = expected.isAbsent() ? EMPTY : expected.value();
    args[next++] = change.isRemove() ? DELETE : PUT;
    args[next++] = change.isRemove() ? EMPTY : change.value();
    args[next++] = change.isRemove() ? TTL_REMOVE : ttlToWire(change.ttl());
    args[next] = lease.isNone() ? EMPTY : lease.owner().getBytes(UTF_8);
    return written("commit", Scripts.COMMIT, ReturnType.BOOLEAN,
        List.<Object>of(namespace.key(key), namespace.leaseKey(key)), args);
  }

  /** Returns the owner of a lease as the lease scripts read it; only a lease, not {@link Lease#none()}. */
  private static byte[] owner(Lease lease) {
    if (lease.isNone()) {
      throw new IllegalArgumentException("this operation needs a lease, not Lease.none()");
    }
    return lease.owner().getBytes(UTF_8);
  }

  @Override
  public void extendAll(Map<String, Duration> ttls) {
    requireNonNull(ttls, "ttls");
    for (List<String> batch : batches(ttls.keySet())) {
      List<Object> redisKeys = new ArrayList<>(batch.size());
      Object[] args = new Object[batch.size()];
      for (int i = 0; i < batch.size(); i++) {
        redisKeys.add(namespace.key(batch.get(i)));
        args[i] = ttlToWire(requireNonNull(ttls.get(batch.get(i)), "a key of ttls"));
      }
      link.eval("extendAll", Scripts.EXTEND_ALL, ReturnType.INTEGER, redisKeys, args);
    }
  }

  @Override
  public boolean remove(String key, byte[] expected) {
    requireNonNull(expected, "expected");
    return write("remove", Scripts.REMOVE_IF_EQUAL, ReturnType.BOOLEAN, key, expected);
  }

  @Override
  public byte[] getAndPut(String key, byte[] value, Duration ttlIfAbsent, Duration ttlIfPresent) {
    requireNonNull(value, "value");
    return write("getAndPut", Scripts.GET_AND_PUT, ReturnType.VALUE, key, value,
        ttlToWire(ttlIfAbsent), ttlToWire(ttlIfPresent));
  }

  @Override
  public boolean put(String key, byte[] value, Duration ttlIfAbsent, Duration ttlIfPresent) {
    requireNonNull(value, "value");
    return write("put", Scripts.PUT, ReturnType.BOOLEAN, key, value, ttlToWire(ttlIfAbsent), ttlToWire(ttlIfPresent));
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
    return link.eval("holds", Scripts.HOLDS, ReturnType.BOOLEAN, List.<Object>of(namespace.key(key)), expected);
  }

  @Override
  public byte[] getAndRemove(String key) {
    return write("getAndRemove", Scripts.GET_AND_REMOVE, ReturnType.VALUE, key);
  }

  @Override
  public boolean setTtl(String key, Duration ttl) {
    return write("setTtl", Scripts.SET_TTL, ReturnType.BOOLEAN, key, ttlToWire(ttl));
  }

  @Override
  public Iterator<String> keys() {
    return keyScan.keys();
  }

  @Override
  public void clear() {
    keyScan.clear();
  }

  @Override
  public Health healthCheck() {
    return link.diagnosis().probe(this::ping);
  }

  private Health ping() {
    long start = System.nanoTime();
    try {
      boolean answered = link.pingAll();
      String latency = String.format(Locale.ROOT, "%.1f ms", (System.nanoTime() - start) / 1e6);
      return answered ? Health.up(NAME, "PING answered in " + latency)
          : Health.down(NAME, "PING unanswered after " + latency);
    } catch (RuntimeException e) {
      return Health.down(NAME, "PING failed: " + link.diagnosis().explain(e));
    }
  }

  /**
   * Subscribes to this cache's invalidations: the listener hears of keys that other clients
   * changed, and of every key when they cleared the cache or after the subscription was restored
   * following a lost connection.
   */
  @Override
  public void onInvalidation(InvalidationListener<String> listener) {
    invalidations.listen(listener);
  }

  /** Unsubscribes and stops hearing shared events; the entries, and the client, stay. */
  @Override
  public void close() {
    events.close();
    invalidations.close();
  }

  /**
   * Tells the listener of the entries Redis expires (from keyspace notifications, see
   * {@link ExpiryNotifications}) and, if the cache keeps a change stream, of every change any
   * client made, this one's too, read from that stream in its order.
   */
  @Override
  public void onSharedEvents(Consumer<SharedEvent<String, byte[]>> listener) {
    events.listen(listener);
  }

  @Override
  public String toString() {
    return link.toString();
  }

  /**
   * Runs a put script ({@code ARGV[4]} ttl if absent, {@code ARGV[5]} ttl if present, then one
   * value per key) over the entries, one batch of keys a round trip, handing each batch's keys and
   * reply to {@code replies}.
   */
  private void putInBatches(String operation, Script source, Map<? extends String, ? extends byte[]> entries,
      Duration ttlIfAbsent, Duration ttlIfPresent, BiConsumer<List<String>, List<Object>> replies) {
    byte[] ifAbsent = ttlToWire(ttlIfAbsent);
    byte[] ifPresent = ttlToWire(ttlIfPresent);
    for (List<String> batch : batches(new ArrayList<>(entries.keySet()))) {
      List<Object> redisKeys = new ArrayList<>(batch.size());
      Object[] args = writeArgs(2 + batch.size());
      int next = writeHeader.length;
      args[next++] = ifAbsent;
      args[next++] = ifPresent;
      for (String key : batch) {
        redisKeys.add(namespace.key(key));
        args[next++] = requireNonNull(entries.get(key), "value");
      }
      replies.accept(batch, written(operation, source, ReturnType.MULTI, redisKeys, args));
    }
  }

  private <R> R write(String operation, Script source, ReturnType type, String key, Object... args) {
    Object[] all = writeArgs(args.length);
    System.arraycopy(args, 0, all, writeHeader.length, args.length);
    return written(operation, source, type, List.<Object>of(namespace.key(key)), all);
  }

  /**
   * Runs a write script, with the claims of the class dictionary appended to its third argument
   * while there are any, so that Redis holds every class entry before a value that refers to it.
   */
  private <R> R written(String operation, Script source, ReturnType type, List<Object> keys, Object[] args) {
    List<ClassNames.Claim> claims = classNames.claimed();
    if (claims.isEmpty()) {
      return link.eval(operation, source, type, keys, args);
    }
    args[2] = ClassNames.withClaims((byte[]) writeHeader[2], claims);
    try {
      R reply = link.eval(operation, source, type, keys, args);
      classNames.written(claims);
      return reply;
    } catch (RuntimeException e) {
      classNames.failed(claims, e);
      throw e;
    }
  }

  /**
   * Returns the arguments of a write script: the header every one reads (the channel, the notice's
   * start, the key prefix's length and the change stream's length), then room for {@code more}.
   */
  private Object[] writeArgs(int more) {
    Object[] args = new Object[writeHeader.length + more];
    System.arraycopy(writeHeader, 0, args, 0, writeHeader.length);
    return args;
  }
}
