package io.multitier.jcache.backend.redis;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.redisson.config.Config;

/**
 * The threads of one Redisson client, as daemons: Netty's event loops and Redisson's task pool,
 * in the numbers its configuration gives ({@code nettyThreads}, {@code threads}). Redisson stops
 * the event loops when the client shuts down; the task pool is stopped by {@link #shutdown()}.
 */
final class DaemonThreads {

  // null: the configuration names its own task pool, which is not ours to stop
  private final @Nullable ExecutorService tasks;

  private DaemonThreads(@Nullable ExecutorService tasks) {
    this.tasks = tasks;
  }

  /** Gives the configuration daemon event loops and a daemon task pool where it names none of its own. */
  static DaemonThreads install(Config config) {
    if (config.getEventLoopGroup() == null && config.getNettyExecutor() == null) {
      config.setNettyExecutor(new ThreadPerTaskExecutor(new DefaultThreadFactory("redisson-netty", true)));
    }
    if (config.getExecutor() != null) {
      return new DaemonThreads(null);
    }
    int threads = (config.getThreads() > 0) ? config.getThreads() : 2 * Runtime.getRuntime().availableProcessors();
    ExecutorService tasks = Executors.newFixedThreadPool(threads, new DefaultThreadFactory("redisson", true));
    config.setExecutor(tasks);
    return new DaemonThreads(tasks);
  }

  /** Stops the task pool this class made, once its client is shut down. */
  void shutdown() {
    if (tasks != null) {
      tasks.shutdownNow();
    }
  }
}
