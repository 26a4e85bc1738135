package io.multitier.bench;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Redis round trips per operation, counted, not timed: for each contender, operation and number of
 * calling threads (1 and 64), CONFIG RESETSTAT, N operations, then INFO commandstats (every command
 * Redis ran, those run inside Lua scripts included) and, over the same N operations, a MONITOR
 * connection that tells which commands came from the client (a round trip each) and which from a
 * script ({@code [0 lua]}). After the 64-thread runs, {@code INFO clients} tells how many connections
 * the contender's client opened.
 *
 * <p>Our tiered cache has an L1 of one entry, so every get and getAll goes to Redis (an L2 hit).
 * Usage: {@code RoundTrips <output.json>} with {@code -Dbench.redis=redis://127.0.0.1:PORT}.
 */
public final class RoundTrips {

  private static final int N = 1_000;
  private static final int SETS = 100;
  private static final List<Integer> THREADS = List.of(1, 64);

  public static void main(String[] args) throws Exception {
    Path output = Path.of(args[0]);
    List<String> lines = new ArrayList<>();
    String[] keys = Data.keys(1024);
    Set<String>[] sets = Data.keySets(keys, SETS, 100, 3);
    List<Map<String, byte[]>> batches = batches(sets);
    byte[] value = Data.value(1);
    for (String impl : List.of("mtj-tiered", "redisson-jcache", "raw-redisson")) {
      try (Contender cache = Contenders.create(impl, true, 1, false)) {
        cache.fill(Data.entries(keys));
        for (int i = 0; i < 200; i++) { // load scripts, open connections
          cache.get(keys[i]);
          cache.put(keys[i], value);
          cache.getAll(sets[i % SETS]);
          cache.invoke(keys[i], value);
        }
        Thread.sleep(200);
        Map<String, IntConsumer> operations = operations(impl, cache, keys, sets, batches, value);
        for (int threads : THREADS) {
          cache.fill(Data.entries(keys));
          for (Map.Entry<String, IntConsumer> operation : operations.entrySet()) {
            lines.add(count(impl, operation.getKey(), operation.getValue(), threads));
          }
        }
        lines.add(String.format(Locale.ROOT, "  {\"contender\": \"%s\", \"connectedClients\": %d}", impl,
            connectedClients()));
        System.out.println(lines.get(lines.size() - 1));
      }
    }
    Files.createDirectories(output.toAbsolutePath().getParent());
    Files.writeString(output, "[\n" + String.join(",\n", lines) + "\n]\n", UTF_8);
  }

  /** Returns a putAll batch for each key set, every value {@code Data.value(2)}. */
  static List<Map<String, byte[]>> batches(Set<String>[] sets) {
    List<Map<String, byte[]>> batches = new ArrayList<>();
    for (Set<String> set : sets) {
      Map<String, byte[]> batch = new LinkedHashMap<>();
      set.forEach(key -> batch.put(key, Data.value(2)));
      batches.add(batch);
    }
    return batches;
  }

  /**
   * The remote paths, each an operation on the i-th key (or key set) of a filled contender: an L2
   * hit, a getAll of 100 L2 hits, a put, a putAll of 100, an invoke, a remove of a present key.
   */
  static Map<String, IntConsumer> operations(String impl, Contender cache, String[] keys, Set<String>[] sets,
      List<Map<String, byte[]>> batches, byte[] value) {
    Map<String, IntConsumer> operations = new LinkedHashMap<>();
    operations.put("get (L2 hit)", i -> {
      if (cache.get(keys[i % keys.length]) == null) {
        throw new IllegalStateException(impl + " missed");
      }
    });
    operations.put("getAll(100) (L2 hits)", i -> {
      if (cache.getAll(sets[i % SETS]).size() != 100) {
        throw new IllegalStateException(impl + " getAll missed");
      }
    });
    operations.put("put", i -> cache.put(keys[i % keys.length], value));
    operations.put("putAll(100)", i -> cache.putAll(batches.get(i % SETS)));
    operations.put("invoke", i -> cache.invoke(keys[i % keys.length], value));
    operations.put("remove", i -> {
      if (!cache.remove(keys[i])) {
        throw new IllegalStateException(impl + " removed nothing");
      }
    });
    return operations;
  }

  private static String count(String impl, String operation, IntConsumer op, int threads) throws Exception {
    Redis.call("CONFIG", "RESETSTAT");
    Monitor monitor = new Monitor();
    run(op, threads);
    Map<String, Long> stats = Redis.commandStats();
    Map<String, long[]> sources = monitor.stop();
    long all = 0;
    TreeMap<String, Double> perOp = new TreeMap<>();
    for (Map.Entry<String, Long> stat : stats.entrySet()) {
      if (stat.getKey().equals("ping") || stat.getKey().equals("echo") || stat.getKey().equals("monitor")) {
        continue;
      }
      all += stat.getValue();
      perOp.put(stat.getKey(), stat.getValue() / (double) N);
    }
    long client = 0;
    long lua = 0;
    TreeMap<String, Double> clientPerOp = new TreeMap<>();
    for (Map.Entry<String, long[]> source : sources.entrySet()) {
      client += source.getValue()[0];
      lua += source.getValue()[1];
      if (source.getValue()[0] > 0) {
        clientPerOp.put(source.getKey(), source.getValue()[0] / (double) N);
      }
    }
    String line = String.format(Locale.ROOT,
        "  {\"contender\": \"%s\", \"operation\": \"%s\", \"threads\": %d, \"operations\": %d, \"roundTripsPerOp\": %.3f,"
            + " \"commandsPerOp\": %.3f, \"luaCommandsPerOp\": %.3f, \"clientCommands\": \"%s\", \"commandstats\": \"%s\"}",
        impl, operation, threads, N, client / (double) N, all / (double) N, lua / (double) N,
        format(clientPerOp), format(perOp));
    System.out.println(line);
    return line;
  }

  /** Runs op(0) … op(N − 1), split over the threads (thread t takes t, t + threads, …). */
  private static void run(IntConsumer op, int threads) throws Exception {
    run(op, threads, N);
  }

  /** Runs op(0) … op(n − 1), split over the threads (thread t takes t, t + threads, …). */
  static void run(IntConsumer op, int threads, int n) throws Exception {
    if (threads == 1) {
      for (int i = 0; i < n; i++) {
        op.accept(i);
      }
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        done.add(pool.submit(() -> {
          for (int i = first; i < n; i += threads) {
            op.accept(i);
          }
        }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static long connectedClients() {
    for (String line : ((String) Redis.call("INFO", "clients")).split("\r\n")) {
      if (line.startsWith("connected_clients:")) {
        return Long.parseLong(line.substring("connected_clients:".length()).strip());
      }
    }
    return -1;
  }

  private static String format(Map<String, Double> perOp) {
    List<String> parts = new ArrayList<>();
    perOp.forEach((command, calls) -> parts.add(String.format(Locale.ROOT, "%s %.2f", command, calls)));
    return String.join(", ", parts);
  }

  /**
   * A MONITOR connection counting commands by name and by source: [client, lua]. MONITOR's lines are
   * status replies with every argument quoted and escaped, so they are read as lines.
   */
  static final class Monitor {
    private final Socket socket;
    private final Thread reader;
    private final Map<String, long[]> counts = new TreeMap<>();
    private final String marker = "bench-end-" + System.nanoTime();

    Monitor() throws IOException {
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", Redis.port()), 5_000);
      socket.getOutputStream().write("MONITOR\r\n".getBytes(UTF_8));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), ISO_8859_1));
      if (!"+OK".equals(in.readLine())) {
        throw new IllegalStateException("MONITOR refused");
      }
      reader = new Thread(() -> read(in), "monitor");
      reader.start();
    }

    private void read(BufferedReader in) {
      try {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.contains(marker)) {
            return;
          }
          int open = line.indexOf('[');
          int close = line.indexOf(']', open);
          int quote = line.indexOf('"', close);
          int end = line.indexOf('"', quote + 1);
          String command = line.substring(quote + 1, end).toLowerCase(Locale.ROOT);
          if (command.equals("ping") || command.equals("info") || command.equals("config")) {
            continue;
          }
          boolean lua = line.substring(open, close).contains("lua");
          synchronized (counts) {
            counts.computeIfAbsent(command, c -> new long[2])[lua ? 1 : 0]++;
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    Map<String, long[]> stop() throws Exception {
      Redis.call("ECHO", marker);
      reader.join(30_000);
      socket.close();
      synchronized (counts) {
        return new TreeMap<>(counts);
      }
    }
  }
}
