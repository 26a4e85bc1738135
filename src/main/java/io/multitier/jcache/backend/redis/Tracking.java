package io.multitier.jcache.backend.redis;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisClient;
import org.redisson.client.RedisConnection;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.connection.ConnectionManager;
import org.redisson.connection.MasterSlaveEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One CacheManager's invalidations through Redis's client-side tracking ({@code invalidation:
 * tracking}): its caches' commands go, for each master, on one connection that Redis tracks
 * ({@link TrackedNode}, default mode, not {@code BCAST}), so a change is announced only to the
 * CacheManagers that read the key since its last change, whoever made it (another JVM, an
 * operator's {@code DEL}, an eviction, an expiry), and the write scripts publish nothing.
 * Redis's message names the Redis key; this maps it back to the cache and the key.
 *
 * <p>Lost messages have no numbers to detect them by. Instead: a node whose connection drops, or
 * that Redis says no longer tracks (checked every {@code reconcileInterval}: {@code CLIENT
 * TRACKINGINFO} on the command connection, a PING on the subscription), is closed and replaced;
 * the caches' commands wait for the new node (never the pool: a copy of a key read or written
 * untracked would never be invalidated), and once it is open every cache is told that every key
 * may have changed. A restart or a failover drops the connections, so it flushes too; a
 * {@code FLUSHALL} is a flush message. The
 * answers of those checks vouch for the caches' copies, as the reconciliation does with numbered
 * notices: a cache whose nodes have not all answered within {@code reconcileInterval} +
 * {@link Reconciler#GRACE} is told it is not hearing every change.
 */
final class Tracking implements TrackedConnections, Watcher<TrackingChannel>, AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(Tracking.class);
  /** How long after a failed opening a node is opened again. */
  private static final long REOPEN_MILLIS = 200;

  private final ConnectionManager servers;
  private final String keyPrefix;
  private final Map<RedisClient, TrackedNode> nodes = new ConcurrentHashMap<>();
  private final Map<String, Set<TrackingChannel>> caches = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean checking = new AtomicBoolean();
  /** Whether Redis refused the last opening with an error answer (an ACL), so that it is told once. */
  private final AtomicBoolean refused = new AtomicBoolean();
  /** Whether a node was lost since the copies were last dropped: the next node to open drops them. */
  private final AtomicBoolean unheard = new AtomicBoolean();
  /** How many openings failed in a row. */
  private final AtomicInteger failures = new AtomicInteger();
  private final long intervalMillis;
  private final long boundNanos;
  private final ScheduledFuture<?> heartbeat;

  /** Tracks the keys of the caches under {@code keyPrefix}, checking the nodes every {@code interval}. */
  Tracking(RedissonClient client, String keyPrefix, Duration interval) {
    this.servers = ((Redisson) requireNonNull(client, "client")).getCommandExecutor().getConnectionManager();
    this.keyPrefix = requireNonNull(keyPrefix, "keyPrefix");
    this.intervalMillis = Math.max(1, interval.toMillis());
    this.boundNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis) + Reconciler.GRACE.toNanos();
    this.heartbeat = Reconciler.every(this::check, intervalMillis);
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public CompletionStage<@Nullable RedisConnection> connection(String routingKey) {
    MasterSlaveEntry entry = servers.getEntry(routingKey);
    RedisClient master = (entry == null) ? null : entry.getClient();
    if (closed.get() || master == null) {
      return CompletableFuture.failedFuture(
          new RedisConnectionException("no tracked connection for " + routingKey + ": no master, or closed"));
    }
    TrackedNode node = nodes.get(master);
    if (node == null || node.isClosed()) {
      node = open(master);
    }
    return node.ready().thenApply(connection -> connection);
  }

  /** Starts telling the cache of its keys' invalidations; the first cache opens the nodes of the known masters. */
  @Override
  public void watch(TrackingChannel cache) {
    caches.computeIfAbsent(cache.encodedName(), name -> ConcurrentHashMap.newKeySet()).add(cache);
    for (MasterSlaveEntry entry : servers.getEntrySet()) {
      RedisClient master = entry.getClient();
      if (master != null) {
        open(master);
      }
    }
    Reconciler.later(this::checkHearing, boundNanos);
  }

  @Override
  public void unwatch(TrackingChannel cache) {
    caches.computeIfPresent(cache.encodedName(), (name, channels) -> {
      channels.remove(cache);
      return channels.isEmpty() ? null : channels;
    });
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      heartbeat.cancel(false);
      nodes.values().forEach(TrackedNode::shutdown);
      nodes.clear();
      caches.clear();
    }
  }

  /** Opens the node of a master unless it has one; returns the master's node. */
  private TrackedNode open(RedisClient master) {
    TrackedNode node = new TrackedNode(master, this::heard, this::lost);
    TrackedNode current = nodes.compute(master, (key, old) -> (old == null || old.isClosed()) ? node : old);
    if (current != node) {
      return current;
    }
    if (closed.get()) {
      node.shutdown();
      return node;
    }
    node.open().whenComplete((done, failure) -> {
      if (failure == null) {
        refused.set(false);
        failures.set(0);
        if (unheard.getAndSet(false)) {
          // copies read on a node that was lost since may have changed unheard; the first nodes
          // drop nothing, since every command waited for its node
          everyCache(TrackingChannel::invalidatedAll);
        }
        return;
      }
      failures.incrementAndGet();
      Throwable cause = Retries.unwrapped(failure);
      if (cause instanceof RedisException refusal && !(cause instanceof RedisConnectionException)
          && refused.compareAndSet(false, true)) {
        // told once: a user without the channel in its ACL hears nothing until it is granted
        logger.warn("Redis refused the client-side tracking of caches under '{}' ({}): {}; their calls fail "
            + "until it is granted", keyPrefix, node, refusal.getMessage());
      } else {
        logger.debug("Could not open the {}; trying again", node, failure);
      }
      node.close();
    });
    return node;
  }

  /**
   * Drops a lost node and opens a new one soon. The copies are dropped once the new node is open,
   * not now: as with a lost subscription, copies are served while Redis cannot be reached, within
   * the staleness bound ({@link #checkHearing}), and under {@code SERVE_LOCAL} beyond it.
   */
  private void lost(TrackedNode node) {
    RedisClient master = node.server();
    if (closed.get() || !nodes.remove(master, node)) {
      return;
    }
    unheard.set(true);
    logger.debug("The {} was lost; the L1 copies of caches under '{}' are dropped once it is open again", node,
        keyPrefix);
    // 200 ms after a loss, doubling while openings fail, at most the interval (the check opens it then too)
    long delay = Math.min(intervalMillis, REOPEN_MILLIS << Math.min(failures.get(), 10));
    Reconciler.later(() -> reopen(master), TimeUnit.MILLISECONDS.toNanos(delay));
  }

  /** Opens the master's node again if it is still the master of an entry (after a failover, the new master's is opened on use). */
  private void reopen(RedisClient master) {
    for (MasterSlaveEntry entry : servers.getEntrySet()) {
      if (entry.getClient() == master) {
        open(master);
        return;
      }
    }
  }

  /** Hands one invalidation message to the cache it concerns; {@code null} (a flush) concerns every cache. */
  private void heard(@Nullable String redisKey) {
    if (redisKey == null) {
      everyCache(TrackingChannel::invalidatedAll);
      return;
    }
    if (!redisKey.startsWith(keyPrefix) || redisKey.length() <= keyPrefix.length()
        || redisKey.charAt(keyPrefix.length()) != '{') {
      return;
    }
    int end = redisKey.indexOf("}:", keyPrefix.length() + 1);
    if (end < 0) {
      return; // a lease, a count or a stream of a cache: no copy depends on it
    }
    Set<TrackingChannel> channels = caches.get(redisKey.substring(keyPrefix.length() + 1, end));
    if (channels != null) {
      String encodedKey = redisKey.substring(end + 2);
      channels.forEach(channel -> channel.invalidated(encodedKey));
    }
  }

  private void everyCache(Consumer<TrackingChannel> notice) {
    caches.values().forEach(channels -> channels.forEach(notice));
  }

  /**
   * Asks every node whether it still tracks; when all do, their answers vouch for every cache's
   * copies as of when they were asked. Masters without a node (a new master after a failover) get one.
   */
  private void check() {
    if (caches.isEmpty() || !checking.compareAndSet(false, true)) {
      return;
    }
    long askedAt = System.nanoTime();
    List<CompletableFuture<Boolean>> answers = new ArrayList<>();
    for (MasterSlaveEntry entry : servers.getEntrySet()) {
      RedisClient master = entry.getClient();
      TrackedNode node = (master == null) ? null : nodes.get(master);
      if (node == null) {
        if (master != null) {
          open(master);
        }
        answers.add(CompletableFuture.completedFuture(false));
      } else {
        answers.add(node.check().toCompletableFuture()
            .completeOnTimeout(false, boundNanos, TimeUnit.NANOSECONDS));
      }
    }
    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> {
      try {
        if (failure == null && !answers.isEmpty() && answers.stream().allMatch(CompletableFuture::join)) {
          everyCache(cache -> cache.confirmed(askedAt));
        }
        Reconciler.later(this::checkHearing, 0);
        Reconciler.later(this::checkHearing, askedAt + boundNanos - System.nanoTime());
      } finally {
        checking.set(false);
      }
    });
  }

  /** Tells each cache whether it hears every change; runs on the reconciliation thread. */
  private void checkHearing() {
    long now = System.nanoTime();
    int lost = 0;
    int back = 0;
    for (Set<TrackingChannel> channels : caches.values()) {
      for (TrackingChannel cache : channels) {
        switch (cache.checkHearing(now, boundNanos)) {
          case LOST -> lost++;
          case BACK -> back++;
          default -> { }
        }
      }
    }
    if (lost > 0) {
      logger.warn("Redis has not confirmed the tracking connections within {} ms (reconcileInterval + {} ms), "
          + "caches: {}; their L1 copies may be stale: FAIL_FAST caches stop serving them, SERVE_LOCAL caches "
          + "serve them counted in l1.unvouched", TimeUnit.NANOSECONDS.toMillis(boundNanos),
          Reconciler.GRACE.toMillis(), lost);
    }
    if (back > 0) {
      logger.info("Redis confirms the tracking connections again, caches: {}; dropping their L1 copies", back);
    }
  }
}
