package io.multitier.jcache.configuration;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the asynchronous API runs work that may block (loaders, writers, entry processors, writes)
 * unless a cache names an executor: a new virtual thread per task on a JDK that has them (21 and
 * later), else a shared pool of up to {@value #PLATFORM_THREADS} daemon threads, each let go after
 * a minute idle, with a queue for the tasks beyond them. Not {@code ForkJoinPool.commonPool()}: on
 * a two-core machine it has one thread, which one blocked writer would hold.
 */
final class StandardAsyncExecutor {

  /** How many platform threads the pool of a JDK without virtual threads has at most. */
  static final int PLATFORM_THREADS = 64;

  private static final Executor INSTANCE = create();

  private StandardAsyncExecutor() {}

  /** Returns the one standard executor of this class loader. */
  static Executor get() {
    return INSTANCE;
  }

  private static Executor create() {
    try {
      return (ExecutorService) MethodHandles.publicLookup()
          .findStatic(Executors.class, "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class))
          .invoke();
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return platformThreads();
    } catch (Throwable e) {
      throw new IllegalStateException("could not create the virtual-thread executor", e);
    }
  }

  private static Executor platformThreads() {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(PLATFORM_THREADS, PLATFORM_THREADS, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), task -> {
          Thread thread = new Thread(task, "multitier-async-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
