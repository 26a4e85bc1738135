package io.multitier.jcache.testing;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/** An executor that runs nothing until a test tells it to, so "not yet run" can be asserted. */
public final class ManualExecutor implements Executor {

  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
  }

  /** Returns how many tasks wait. */
  public int pending() {
    return tasks.size();
  }

  /** Runs every waiting task, including those the tasks themselves submit. */
  public int runAll() {
    int ran = 0;
    for (Runnable task; (task = tasks.poll()) != null; ran++) {
      task.run();
    }
    return ran;
  }
}
