package io.multitier.jcache.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Deque;
import java.util.StringJoiner;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link io.multitier.jcache.tiered.CacheNode} in a separate JVM process, on this JVM's class path. Its stdout replies are
 * read by one thread and its stderr is drained by another (the last lines are kept for failure
 * messages); {@link #close()} always ends the process.
 */
public final class ChildJvm implements AutoCloseable {

  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final Duration REPLY = Duration.ofSeconds(20);
  private static final int STDERR_LINES = 200;

  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
  private final Deque<String> stderr = new ArrayDeque<>();
  private final Thread stdoutReader;
  private final Thread stderrDrainer;

  private ChildJvm(Process process) {
    this.process = process;
    this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), UTF_8);
    this.stdoutReader = daemon("child-stdout", () -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          if (line.startsWith("@")) {
            replies.add(line.substring(1));
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
    this.stderrDrainer = daemon("child-stderr", () -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getErrorStream(), UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          synchronized (stderr) {
            stderr.addLast(line);
            if (stderr.size() > STDERR_LINES) {
              stderr.removeFirst();
            }
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
  }

  /** Starts a child JVM whose CacheManager reads the configuration file, and waits until it is ready. */
  public static ChildJvm start(URI configuration) {
    return start(io.multitier.jcache.tiered.CacheNode.class, configuration.toString());
  }

  /**
   * Starts a child JVM running another main class with these arguments, and waits until it is
   * ready: the class follows {@link io.multitier.jcache.tiered.CacheNode}'s protocol (reply lines
   * start with {@code @}, {@code @ready} first, {@code quit} ends it).
   */
  public static ChildJvm start(Class<?> mainClass, String... arguments) {
    return start(System.getProperty("java.class.path"), mainClass, arguments);
  }

  /** As {@link #start(Class, String...)}, on this JVM's class path less the entries whose path contains {@code leftOut} ({@code "/org/redisson/"}). */
  public static ChildJvm startWithout(String leftOut, Class<?> mainClass, String... arguments) {
    StringJoiner classPath = new StringJoiner(File.pathSeparator);
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.replace(File.separatorChar, '/').contains(leftOut)) {
        classPath.add(entry);
      }
    }
    return start(List.of(), classPath.toString(), mainClass, arguments);
  }

  /**
   * As {@link #start(Class, String...)}, the JVM started by {@code launcher} ({@code ip netns exec
   * NAME}: in another network namespace).
   */
  public static ChildJvm startThrough(List<String> launcher, Class<?> mainClass, String... arguments) {
    return start(launcher, System.getProperty("java.class.path"), mainClass, arguments);
  }

  private static ChildJvm start(String classPath, Class<?> mainClass, String... arguments) {
    return start(List.of(), classPath, mainClass, arguments);
  }

  private static ChildJvm start(List<String> launcher, String classPath, Class<?> mainClass, String... arguments) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(launcher));
    builder.command().addAll(List.of(java,
        "-Xmx256m",
        "-cp", classPath,
        "-Djavax.cache.spi.CachingProvider=io.multitier.jcache.MultiTierCachingProvider",
        mainClass.getName()));
    builder.command().addAll(List.of(arguments));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start a child JVM", e);
    }
    ChildJvm child = new ChildJvm(process);
    try {
      child.await("ready", STARTUP);
    } catch (RuntimeException e) {
      child.close();
      throw e;
    }
    return child;
  }

  /** Sends one command and returns the reply, without its {@code @}; an {@code error} reply fails. */
  public String send(String command) {
    return send(command, REPLY);
  }

  /** As {@link #send(String)}, waiting up to {@code timeout} for the reply (a long-running command). */
  public String send(String command, Duration timeout) {
    tell(command);
    return reply(command, timeout);
  }

  /** Sends one command without waiting for its replies, which {@link #reply} then reads. */
  public void tell(String command) {
    try {
      stdin.write(command + "\n");
      stdin.flush();
    } catch (IOException e) {
      throw new IllegalStateException("the child JVM does not read its input any more" + diagnostics(), e);
    }
  }

  /** Returns the next reply to a command sent by {@link #tell}, without its {@code @}; an {@code error} reply fails. */
  public String reply(String command, Duration timeout) {
    String reply = next(timeout);
    if (reply.startsWith("error")) {
      throw new IllegalStateException("the child JVM answered '" + command + "' with " + reply + diagnostics());
    }
    return reply;
  }

  /** Returns the value the child reads for the key, or {@code null}. */
  public String get(String cache, String key) {
    String reply = send("get " + cache + " " + key);
    return reply.equals("null") ? null : reply.substring("value ".length());
  }

  public void put(String cache, String key, String value) {
    String reply = send("put " + cache + " " + key + " " + value);
    if (!reply.equals("ok")) {
      throw new IllegalStateException("unexpected reply " + reply);
    }
  }

  public boolean remove(String cache, String key) {
    return Boolean.parseBoolean(send("remove " + cache + " " + key));
  }

  /** Has the child read the key from {@code threads} threads at once; returns what each read. */
  public List<String> getAtOnce(String cache, String key, int threads, int loaderRedisPort) {
    return List.of(send("stampede " + cache + " " + key + " " + threads + " " + loaderRedisPort).split(","));
  }

  /** Returns one counter of the child's tier statistics. */
  public long stat(String cache, String counter) {
    String map = send("stats " + cache);
    for (String entry : map.substring(1, map.length() - 1).split(", ")) {
      int equals = entry.indexOf('=');
      if (entry.substring(0, equals).equals(counter)) {
        return Long.parseLong(entry.substring(equals + 1));
      }
    }
    throw new IllegalArgumentException("no counter " + counter + " in " + map);
  }

  /** Waits up to {@code timeout} for the process to end by itself; returns how long it took, or {@code null} if it still runs. */
  public Duration awaitExit(Duration timeout) {
    long start = System.nanoTime();
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Duration.ofNanos(System.nanoTime() - start) : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Returns the child's last lines on stderr. */
  public String stderr() {
    synchronized (stderr) {
      return String.join("\n", stderr);
    }
  }

  /** Asks the child to quit, then makes sure the process is gone. */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        stdin.write("quit\n");
        stdin.flush();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException ignored) {
      // already gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
        stdoutReader.join(5_000);
        stderrDrainer.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void await(String expected, Duration timeout) {
    String reply = next(timeout);
    if (!reply.equals(expected)) {
      throw new IllegalStateException("the child JVM answered " + reply + " instead of " + expected + diagnostics());
    }
  }

  private String next(Duration timeout) {
    try {
      String reply = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (reply == null) {
        throw new IllegalStateException("no answer from the child JVM within " + timeout
            + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")") + diagnostics());
      }
      return reply;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private String diagnostics() {
    synchronized (stderr) {
      return stderr.isEmpty() ? "" : "\nchild stderr:\n" + String.join("\n", stderr);
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
