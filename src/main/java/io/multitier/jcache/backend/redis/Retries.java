package io.multitier.jcache.backend.redis;

import io.multitier.jcache.spi.BackendException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.redisson.api.BatchOptions;
import org.redisson.client.WriteRedisConnectionException;
import org.redisson.config.ConstantDelay;

/**
 * When this package tries Redis again. Only a command that never left this JVM is tried again, on
 * another pooled connection: after a restart the pool still holds connections that died with the
 * old server, and Redisson replaces them only as it meets them. A follower that failed to read
 * pauses before it reads again. Nothing that may have reached Redis is sent twice.
 */
final class Retries {

  /** How many pooled connections a command never sent may try: Redisson's default pool size. */
  private static final int UNSENT_ATTEMPTS = 64;

  private static final Duration BATCH_RETRY_DELAY = Duration.ofMillis(10);
  private static final Duration PAUSE_AFTER_FAILURE = Duration.ofMillis(200);

  private Retries() {}

  /**
   * Runs the action; a command that could not be written to a pooled connection is tried again at
   * once while {@code serverAnswers} (a server that is down fails now), any other failure is handed
   * to {@code failed}, a {@link BackendException} is thrown as it is.
   */
  static <T> T unsentAgain(Supplier<T> action, BooleanSupplier serverAnswers,
      Function<RuntimeException, BackendException> failed) {
    for (int attempt = 1; ; attempt++) {
      try {
        return action.get();
      } catch (BackendException e) {
        throw e;
      } catch (WriteRedisConnectionException e) {
        // the command never left this JVM. If the server answers a PING on a connection of its
        // own, a pooled connection died with a restarted server and Redisson has not replaced it
        // yet: another connection of the pool is tried, at once.
        if (attempt >= UNSENT_ATTEMPTS || !serverAnswers.getAsBoolean()) {
          throw failed.apply(e);
        }
      } catch (RuntimeException e) {
        throw failed.apply(e);
      }
    }
  }

  /**
   * Does {@link #unsentAgain} without holding a thread while Redis answers: the stage completes
   * with the action's answer, or fails with a {@link BackendException} ({@code failed}'s, or one the
   * action's stage failed with). {@code serverAnswers} is asked only after a command that never
   * left this JVM. Cancelling the stage cancels the attempt under way.
   */
  static <T> CompletableFuture<T> unsentAgainAsync(Supplier<? extends CompletionStage<T>> action,
      Supplier<? extends CompletionStage<Boolean>> serverAnswers, Function<RuntimeException, BackendException> failed) {
    CompletableFuture<T> result = new CompletableFuture<>();
    attempt(1, action, serverAnswers, failed, result);
    return result;
  }

  /** Sends the action once and completes {@code result} with its answer, or tries again as {@link #unsentAgain} does. */
  private static <T> void attempt(int attempt, Supplier<? extends CompletionStage<T>> action,
      Supplier<? extends CompletionStage<Boolean>> serverAnswers, Function<RuntimeException, BackendException> failed,
      CompletableFuture<T> result) {
    CompletionStage<T> sent;
    try {
      sent = action.get();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    CompletionStage<T> current = sent;
    result.whenComplete((answer, error) -> {
      if (result.isCancelled()) {
        current.toCompletableFuture().cancel(true);
      }
    });
    sent.whenComplete((answer, error) -> {
      if (error == null) {
        result.complete(answer);
        return;
      }
      Throwable cause = unwrapped(error);
      if (cause instanceof BackendException backend) {
        result.completeExceptionally(backend);
      } else if (cause instanceof WriteRedisConnectionException unsent && attempt < UNSENT_ATTEMPTS) {
        // as in unsentAgain: another pooled connection is tried while the server answers a PING
        serverAnswers.get().whenComplete((answers, pingFailure) -> {
          if (pingFailure == null && Boolean.TRUE.equals(answers)) {
            attempt(attempt + 1, action, serverAnswers, failed, result);
          } else {
            result.completeExceptionally(failed.apply(unsent));
          }
        });
      } else if (cause instanceof RuntimeException failure) {
        result.completeExceptionally(failed.apply(failure));
      } else {
        result.completeExceptionally(cause);
      }
    });
  }

  /** Returns the failure a stage's {@link CompletionException} (or a future's {@link ExecutionException}) wraps. */
  static Throwable unwrapped(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /**
   * Returns the options of a pipelined batch that is tried again on another connection while it
   * could not be sent, and given up when unanswered after {@code timeoutMillis}.
   */
  static BatchOptions unsentBatchAgain(long timeoutMillis) {
    return BatchOptions.defaults().retryAttempts(UNSENT_ATTEMPTS)
        .retryDelay(new ConstantDelay(BATCH_RETRY_DELAY))
        .responseTimeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Pauses a follower whose read failed; returns false if the thread was interrupted meanwhile. */
  static boolean pauseAfterFailure() {
    try {
      Thread.sleep(PAUSE_AFTER_FAILURE.toMillis());
      return true;
    } catch (InterruptedException interrupted) {
      return false;
    }
  }
}
