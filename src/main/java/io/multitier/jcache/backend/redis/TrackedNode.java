package io.multitier.jcache.backend.redis;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.redisson.client.ChannelName;
import org.redisson.client.RedisClient;
import org.redisson.client.RedisConnection;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisPubSubConnection;
import org.redisson.client.RedisPubSubListener;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.RedisCommand;
import org.redisson.client.protocol.RedisCommands;
import org.redisson.client.protocol.decoder.ObjectListReplayDecoder;
import org.redisson.client.protocol.pubsub.PubSubType;

/**
 * The two connections of one CacheManager to one Redis master under client-side tracking: one
 * subscribed to {@code __redis__:invalidate}, and one that sends the caches' commands with
 * {@code CLIENT TRACKING ON REDIRECT <the first's id> NOLOOP}, so that Redis tells the first of every
 * key the second read, once it changes, unless the second changed it. Both are opened from the
 * master's Redisson client (its TLS, user and password). They live and die together: when either
 * drops, both are closed, the node reports itself lost (the keys read meanwhile may have changed
 * unheard) and the {@link Tracking} opens a new node; nothing reconnects them in place, since a
 * new subscription has a new id and a new command connection tracks nothing yet.
 */
final class TrackedNode {

  private static final RedisCommand<List<Object>> TRACKING_INFO =
      new RedisCommand<>("CLIENT", "TRACKINGINFO", new ObjectListReplayDecoder<>());

  private final RedisClient server;
  private final RedisPubSubListener<Object> invalidations;
  private final Consumer<TrackedNode> lost;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> subscribed = new CompletableFuture<>();
  private final CompletableFuture<RedisConnection> ready = new CompletableFuture<>();
  private volatile @Nullable RedisPubSubConnection notices;
  private volatile @Nullable RedisConnection commands;
  private volatile long redirectId = -1;

  /**
   * Creates the node of one master, not yet open: {@code heard} is told each invalidation message
   * ({@code null} for "every key", a flush), {@code lost} once when the node drops.
   */
  TrackedNode(RedisClient server, Consumer<@Nullable String> heard, Consumer<TrackedNode> lost) {
    this.server = requireNonNull(server, "server");
    requireNonNull(heard, "heard");
    this.lost = requireNonNull(lost, "lost");
    this.invalidations = new RedisPubSubListener<>() {
      @Override
      public void onMessage(CharSequence channel, @Nullable Object message) {
        // Redis sends the keys as an array; Redisson hands over its one key, or, when the message
        // was decoded from pieces (a busy machine), the list itself
        if (message instanceof Collection<?> keys && !keys.isEmpty()) {
          keys.forEach(key -> heard.accept((key == null) ? null : key.toString()));
        } else {
          heard.accept((message == null || message instanceof Collection<?>) ? null : message.toString());
        }
      }

      @Override
      public void onStatus(PubSubType type, CharSequence channel) {
        if (type == PubSubType.SUBSCRIBE) {
          subscribed.complete(null);
        }
      }
    };
  }

  /** Returns the master this node tracks keys on. */
  RedisClient server() {
    return server;
  }

  /**
   * Opens both connections and turns tracking on; the stage completes once every key read on the
   * command connection from then on is tracked, or fails (then {@link #close} the node).
   */
  CompletionStage<Void> open() {
    return server.connectPubSubAsync().toCompletableFuture()
        .thenCompose(this::subscribe)
        .thenCompose(id -> server.connectAsync().toCompletableFuture()
            .thenCompose(connection -> track(connection, id)))
        .whenComplete((done, failure) -> {
          if (failure != null) {
            // the commands waiting for this node fail with the reason, a connection's as Redisson's pool tells it
            Throwable cause = Retries.unwrapped(failure);
            ready.completeExceptionally((cause instanceof RedisException) ? cause
                : new RedisConnectionException("Unable to connect to Redis server: " + server.getAddr(), cause));
          }
        });
  }

  /**
   * Returns the command connection once it tracks; the stage fails if the node closes before. A
   * connection that closed since fails the commands sent on it as never written.
   */
  CompletionStage<RedisConnection> ready() {
    return ready;
  }

  /** Returns whether the node was closed (a connection dropped, a check failed). */
  boolean isClosed() {
    return closed.get();
  }

  /**
   * Asks Redis, on both connections, whether this node still hears every change: the command
   * connection tracks, redirecting to the subscription, and the subscription answers a PING. The
   * stage answers whether it does; a node that does not is closed.
   */
  CompletionStage<Boolean> check() {
    RedisConnection tracked = commands;
    RedisPubSubConnection subscribed = notices;
    if (tracked == null || subscribed == null || closed.get()) {
      return CompletableFuture.completedFuture(false);
    }
    CompletableFuture<List<Object>> info = tracked.<List<Object>, List<Object>>async(StringCodec.INSTANCE, TRACKING_INFO)
        .toCompletableFuture();
    CompletableFuture<String> ping = subscribed.<String, String>async(StringCodec.INSTANCE, RedisCommands.PING)
        .toCompletableFuture();
    return info.thenCombine(ping, (answer, pong) -> tracks(answer))
        .exceptionally(failure -> false)
        .thenApply(tracks -> {
          if (!tracks) {
            close();
          }
          return tracks;
        });
  }

  /** Closes both connections; the first close reports the node lost. */
  void close() {
    if (closeConnections("was closed before it tracked")) {
      lost.accept(this);
    }
  }

  /** Closes both connections without reporting the node lost: its CacheManager is closing. */
  void shutdown() {
    closeConnections("was shut down");
  }

  /** Closes both connections and fails the commands waiting for the node; returns whether this call closed it. */
  private boolean closeConnections(String why) {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    ready.completeExceptionally(new RedisConnectionException(this + " " + why));
    RedisConnection tracked = commands;
    RedisPubSubConnection subscribed = notices;
    if (tracked != null) {
      tracked.closeAsync();
    }
    if (subscribed != null) {
      subscribed.closeAsync();
    }
    return true;
  }

  @Override
  public String toString() {
    return "tracking of " + server.getAddr();
  }

  /** Asks the subscription's id, then subscribes it to the invalidations; answers the id. */
  private CompletionStage<Long> subscribe(RedisPubSubConnection connection) {
    notices = connection;
    watch(connection);
    // a subscribed RESP2 connection takes no other command: its id is asked first
    return connection.async(RedisCommands.CLIENT_ID).toCompletableFuture().thenCompose(id -> {
      connection.addListener(ChannelName.TRACKING, invalidations);
      // the command's own stage only fails (a refusal: an ACL without the channel); the listener
      // hears the subscription confirmed
      CompletableFuture<Void> refused = new CompletableFuture<>();
      refused.whenComplete((done, failure) -> {
        if (failure != null) {
          subscribed.completeExceptionally(failure);
        }
      });
      connection.subscribe(refused, StringCodec.INSTANCE, ChannelName.TRACKING);
      // Redisson only logs a refused SUBSCRIBE (an ACL user without the channel): no confirmation comes
      long wait = server.getCommandTimeout();
      Reconciler.later(() -> subscribed.completeExceptionally(new RedisException("Redis did not confirm the "
          + "subscription to " + ChannelName.TRACKING + " within " + wait + " ms (a Redis user needs the channel: "
          + "&" + ChannelName.TRACKING + ")")), TimeUnit.MILLISECONDS.toNanos(wait));
      return subscribed.thenApply(done -> (Long) id);
    });
  }

  /** Turns tracking on for the command connection, redirected to the subscription {@code id}. */
  private CompletionStage<Void> track(RedisConnection connection, long id) {
    watch(connection);
    return connection.async(StringCodec.INSTANCE, RedisCommands.CLIENT_TRACKING, "ON", "REDIRECT", id, "NOLOOP")
        .toCompletableFuture().thenAccept(done -> {
          redirectId = id;
          commands = connection;
          if (closed.get()) {
            connection.closeAsync();
          }
          ready.complete(connection);
        });
  }

  /** Closes the node as soon as the connection drops; nothing reconnects it in place. */
  private void watch(RedisConnection connection) {
    connection.getChannel().closeFuture().addListener(future -> close());
    if (closed.get()) {
      connection.closeAsync();
    }
  }

  /** Reads {@code CLIENT TRACKINGINFO}'s answer: on, not broken, redirected to this node's subscription. */
  private boolean tracks(List<Object> info) {
    boolean on = false;
    boolean redirected = false;
    for (int i = 0; i + 1 < info.size(); i += 2) {
      String field = String.valueOf(info.get(i));
      Object value = info.get(i + 1);
      if (field.equals("flags") && value instanceof List<?> flags) {
        on = flags.contains("on") && !flags.contains("broken_redirect");
      } else if (field.equals("redirect")) {
        redirected = String.valueOf(value).equals(Long.toString(redirectId));
      }
    }
    return on && redirected;
  }
}
