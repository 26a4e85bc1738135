package io.multitier.jcache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the asynchronous API's operations on one key in the order they were called: an operation
 * starts when every earlier one on its key's stripe has finished. Each stripe remembers only the
 * last operation called; an operation on several keys joins the stripes of all of them at once, so
 * that two such operations find each other in the same order on every stripe and never wait for
 * each other in a circle.
 */
final class KeyOrder {

  private static final int STRIPES = 256;
  private static final Set<Integer> EVERY_STRIPE =
      IntStream.range(0, STRIPES).boxed().collect(Collectors.toUnmodifiableSet());
  private static final CompletableFuture<@Nullable Void> DONE = CompletableFuture.completedFuture(null);

  private final AtomicReferenceArray<CompletableFuture<?>> last = new AtomicReferenceArray<>(STRIPES);
  private final ReentrantLock severalKeys = new ReentrantLock();

  KeyOrder() {
    for (int i = 0; i < STRIPES; i++) {
      last.set(i, DONE);
    }
  }

  /** Returns whether no operation on the key's stripe is still running or waiting. */
  boolean idle(Object key) {
    return last.get(stripe(key)).isDone();
  }

  /** Starts {@code operation} once every earlier operation on the key's stripe has finished; returns its result. */
  <R> CompletableFuture<R> after(Object key, Supplier<? extends CompletionStage<R>> operation) {
    CompletableFuture<R> result = new CompletableFuture<>();
    CompletableFuture<@Nullable Void> done = new CompletableFuture<>();
    CompletableFuture<?> previous = last.getAndSet(stripe(key), done);
    previous.whenComplete((ignored, failure) -> start(operation, done, result));
    return result;
  }

  /** Does {@link #after} for an operation on every key of {@code keys}. */
  <R> CompletableFuture<R> afterAll(Collection<?> keys, Supplier<? extends CompletionStage<R>> operation) {
    TreeSet<Integer> stripes = new TreeSet<>();
    keys.forEach(key -> stripes.add(stripe(key)));
    return afterStripes(stripes, operation);
  }

  /** Does {@link #after} for an operation on every key there is. */
  <R> CompletableFuture<R> afterEvery(Supplier<? extends CompletionStage<R>> operation) {
    return afterStripes(EVERY_STRIPE, operation);
  }

  private <R> CompletableFuture<R> afterStripes(Set<Integer> stripes,
      Supplier<? extends CompletionStage<R>> operation) {
    CompletableFuture<R> result = new CompletableFuture<>();
    CompletableFuture<@Nullable Void> done = new CompletableFuture<>();
    List<CompletableFuture<?>> previous = new ArrayList<>(stripes.size());
    severalKeys.lock();
    try {
      stripes.forEach(stripe -> previous.add(last.getAndSet(stripe, done)));
    } finally {
      severalKeys.unlock();
    }
    CompletableFuture.allOf(previous.toArray(new CompletableFuture<?>[0]))
        .whenComplete((ignored, failure) -> start(operation, done, result));
    return result;
  }

  /**
   * Starts the operation; when it ends, marks it {@code done} (which starts the next ones, each
   * without blocking) before it completes {@code result}, whose dependent actions are the caller's
   * and may block: one that waits for a later operation on the same key then finds it started.
   */
  private static <R> void start(Supplier<? extends CompletionStage<R>> operation,
      CompletableFuture<@Nullable Void> done, CompletableFuture<R> result) {
    try {
      operation.get().whenComplete((value, failure) -> {
        done.complete(null);
        if (failure == null) {
          result.complete(value);
        } else {
          result.completeExceptionally(unwrapped(failure));
        }
      });
    } catch (RuntimeException | Error e) {
      done.complete(null);
      result.completeExceptionally(e);
    }
  }

  /** Returns the exception a {@link CompletionException} carries, or the failure itself. */
  static Throwable unwrapped(Throwable failure) {
    return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
  }

  private static int stripe(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
