package io.multitier.jcache.processor;

import static java.util.Objects.requireNonNull;

import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one entry's processing in {@code invokeAll}: a value or the failure. A processor
 * that returned {@code null} has no outcome, as {@code invokeAll} leaves its key out.
 *
 * @param <T> the result type
 */
public final class ProcessorResult<T> implements EntryProcessorResult<T> {

  /** The value; {@code null} exactly when there is a failure. */
  private final @Nullable T value;
  private final @Nullable EntryProcessorException failure;

  private ProcessorResult(@Nullable T value, @Nullable EntryProcessorException failure) {
    this.value = value;
    this.failure = failure;
  }

  /** Returns a successful result. */
  public static <T> ProcessorResult<T> of(T value) {
    return new ProcessorResult<>(requireNonNull(value, "value"), null);
  }

  /** Returns a failed result. */
  public static <T> ProcessorResult<T> failed(EntryProcessorException failure) {
    return new ProcessorResult<>(null, requireNonNull(failure, "failure"));
  }

  @Override
  public T get() {
    if (failure != null) {
      throw failure;
    }
    return requireNonNull(value);
  }
}
