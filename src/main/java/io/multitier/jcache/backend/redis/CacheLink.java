package io.multitier.jcache.backend.redis;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.backend.redis.Scripts.Script;
import io.multitier.jcache.spi.BackendException;
import io.netty.util.Timeout;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.redisson.api.RScript.Mode;
import org.redisson.api.RScript.ReturnType;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.BaseRedisNodes;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.RedisClient;
import org.redisson.client.RedisConnection;
import org.redisson.client.RedisException;
import org.redisson.client.RedisNoScriptException;
import org.redisson.client.RedisResponseTimeoutException;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.WriteRedisConnectionException;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.protocol.CommandData;
import org.redisson.client.protocol.RedisCommand;
import org.redisson.config.Config;

/**
 * One cache's link to Redis: the client, where the cache's keys are, the id this instance signs
 * its changes with, and the one way its commands are sent ({@link Retries}, failures thrown as
 * {@link BackendException} that say what went wrong).
 */
final class CacheLink {

  /** The name of the shared tier in messages and health reports. */
  static final String NAME = "L2 redis";

  /** How Redisson names the threads of its event loops. */
  private static final String EVENT_LOOP = "redisson-netty";

  private final RedissonClient client;
  private final String cacheName;
  private final KeyNamespace namespace;
  private final String sender = UUID.randomUUID().toString();
  private final RScript script;
  private final Diagnosis diagnosis;
  private final TrackedConnections tracked;

  /**
   * Creates the link of one cache.
   *
   * @param diagnosis says what went wrong with Redis
   * @param tracked where the cache's scripts are sent when Redis tracks what this CacheManager reads
   */
  CacheLink(RedissonClient client, String keyPrefix, String cacheName, Diagnosis diagnosis, TrackedConnections tracked) {
    this.client = requireNonNull(client, "client");
    this.tracked = requireNonNull(tracked, "tracked");
    this.cacheName = requireNonNull(cacheName, "cacheName");
    this.namespace = new KeyNamespace(keyPrefix, cacheName);
    this.diagnosis = requireNonNull(diagnosis, "diagnosis");
    this.script = client.getScript(ByteArrayCodec.INSTANCE);
  }

  /** Returns how this link tells what went wrong with Redis. */
  Diagnosis diagnosis() {
    return diagnosis;
  }

  RedissonClient client() {
    return client;
  }

  String cacheName() {
    return cacheName;
  }

  KeyNamespace namespace() {
    return namespace;
  }

  /** Returns whether other JVMs hear of this cache's changes through tracking rather than published notices. */
  boolean tracking() {
    return tracked.enabled();
  }

  /** Returns the id this instance puts in its invalidation messages and change stream entries. */
  String sender() {
    return sender;
  }

  /** Runs one script by its SHA, sending its source if Redis does not know it yet; waits for the answer. */
  <R> R eval(String operation, Script source, ReturnType type, List<Object> keys, Object... args) {
    return await(operation, evalAsync(operation, source, type, keys, args));
  }

  /**
   * Does {@link #eval} without holding a thread while Redis answers: the same script, the same one
   * round trip (two when Redis has to be sent the script's source), tried again the same way; the
   * stage fails with a {@link BackendException} that says what went wrong.
   */
  <R> CompletableFuture<R> evalAsync(String operation, Script source, ReturnType type, List<Object> keys,
      Object... args) {
    String routingKey = (String) keys.get(0);
    return Retries.unsentAgainAsync(() -> tracked.connection(routingKey).thenCompose(connection -> {
      if (connection != null) {
        return evalOn(connection, source, type, keys, args);
      }
      return script.<R>evalShaAsync(routingKey, Mode.READ_WRITE, source.sha(), type, keys, args)
          .exceptionallyCompose(failure -> (Retries.unwrapped(failure) instanceof RedisNoScriptException)
              ? script.<R>evalAsync(routingKey, Mode.READ_WRITE, source.source(), type, keys, args)
              : CompletableFuture.<R>failedFuture(failure));
    }), this::serverAnswersAsync, cause -> failed(operation, cause));
  }

  /**
   * Runs the script on a tracked connection, as Redisson's {@code RScript} does on a pooled one:
   * by its SHA, then by its source if Redis does not know it yet.
   */
  private static <R> CompletableFuture<R> evalOn(RedisConnection connection, Script source, ReturnType type,
      List<Object> keys, Object[] args) {
    RedisCommand<R> eval = castCommand(type.getCommand());
    RedisCommand<R> evalSha = new RedisCommand<>(eval, "EVALSHA");
    return send(connection, evalSha, evalParams(source.sha(), keys, args))
        .exceptionallyCompose(failure -> (Retries.unwrapped(failure) instanceof RedisNoScriptException)
            ? send(connection, eval, evalParams(source.source(), keys, args))
            : CompletableFuture.<R>failedFuture(unsent(failure)));
  }

  /**
   * Sends one command on a tracked connection; it fails if it is not written within the client's
   * command timeout, or not answered within that timeout once written, as a command from
   * Redisson's pool does ({@code RedisConnection.async} would count the answer's time from before
   * the write, so a large script on a busy machine could time out while it is still being sent).
   */
  private static <R> CompletableFuture<R> send(RedisConnection connection, RedisCommand<R> command, Object[] params) {
    CompletableFuture<R> answer = new CompletableFuture<>();
    RedisClient server = connection.getRedisClient();
    long timeout = server.getCommandTimeout();
    Timeout unwritten = server.getTimer().newTimeout(timer -> answer.completeExceptionally(new RedisTimeoutException(
        "Command not written within " + timeout + " ms to " + server.getAddr())), timeout, TimeUnit.MILLISECONDS);
    connection.send(new CommandData<>(answer, ByteArrayCodec.INSTANCE, command, params)).addListener(written -> {
      unwritten.cancel();
      if (!written.isSuccess()) {
        answer.completeExceptionally(written.cause());
        return;
      }
      Timeout unanswered = server.getTimer().newTimeout(timer -> answer.completeExceptionally(
          new RedisResponseTimeoutException("No answer within " + timeout + " ms from " + server.getAddr())),
          timeout, TimeUnit.MILLISECONDS);
      answer.whenComplete((value, failure) -> unanswered.cancel());
    });
    return answer;
  }

  /**
   * Returns the failure of a command on a tracked connection, a failure to write it (a connection
   * closed under it: it never left this JVM) as Redisson's pool reports one, so that it is sent
   * again on the connection that replaces it.
   */
  private static Throwable unsent(Throwable failure) {
    Throwable cause = Retries.unwrapped(failure);
    return (cause instanceof RedisException) ? failure
        : new WriteRedisConnectionException("The tracked connection was closed before the command was written", cause);
  }

  @SuppressWarnings("unchecked")
  private static <R> RedisCommand<R> castCommand(RedisCommand<?> command) {
    return (RedisCommand<R>) command;
  }

  private static Object[] evalParams(String script, List<Object> keys, Object[] args) {
    Object[] params = new Object[2 + keys.size() + args.length];
    params[0] = script;
    params[1] = keys.size();
    for (int i = 0; i < keys.size(); i++) {
      params[2 + i] = keys.get(i);
    }
    System.arraycopy(args, 0, params, 2 + keys.size(), args.length);
    return params;
  }

  /**
   * Waits for the answer of an asynchronous operation: its value, or its failure thrown as it is
   * (a {@link BackendException}). An interrupted wait cancels the operation and fails as Redisson's
   * own waits do.
   */
  <R> R await(String operation, CompletionStage<R> answer) {
    CompletableFuture<R> future = answer.toCompletableFuture();
    if (!future.isDone() && onEventLoop()) {
      // as Redisson's own synchronous calls: an event loop that waited for Redis might wait for itself
      throw new IllegalStateException("Sync methods can't be invoked from async/rx/reactive listeners");
    }
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw failed(operation, new RedisException(e));
    } catch (ExecutionException e) {
      Throwable cause = Retries.unwrapped(e);
      if (cause instanceof RuntimeException failure) {
        throw failure;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw failed(operation, new RedisException(cause));
    }
  }

  /** Returns whether the calling thread is one of Redisson's event loops, which may not wait for Redis. */
  static boolean onEventLoop() {
    return Thread.currentThread().getName().startsWith(EVENT_LOOP);
  }

  /** Runs one command against Redis, trying it again only while it was never sent. */
  <T> T call(String operation, Supplier<T> action) {
    return Retries.unsentAgain(action, this::serverAnswers, cause -> failed(operation, cause));
  }

  /** Returns the failure of an operation, explained. */
  BackendException failed(String operation, RuntimeException cause) {
    return new BackendException(NAME + " " + operation + " failed for cache '" + cacheName + "': "
        + diagnosis.explain(cause), cause);
  }

  /** Pings every node; returns whether all answered. */
  boolean pingAll() {
    return nodes().pingAll();
  }

  @Override
  public String toString() {
    return NAME + "[" + cacheName + "]";
  }

  /**
   * Asks, off the caller's and Redisson's threads, whether every node answers a PING: Redisson has
   * no asynchronous PING of every node, and this is asked only after a command that never left
   * this JVM.
   */
  private CompletionStage<Boolean> serverAnswersAsync() {
    Executor pool = client.getConfig().getExecutor();
    return CompletableFuture.supplyAsync(this::serverAnswers, (pool != null) ? pool : ForkJoinPool.commonPool());
  }

  private boolean serverAnswers() {
    try {
      return pingAll();
    } catch (RuntimeException e) {
      return false;
    }
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
}
