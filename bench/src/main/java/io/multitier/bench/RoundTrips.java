package io.multitier.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Redis round trips per operation, counted, not timed: for each contender and operation, CONFIG
 * RESETSTAT, N operations, then INFO commandstats (every command Redis ran, those run inside Lua
 * scripts included) and, over the same N operations, a MONITOR connection that tells which commands
 * came from the client (a round trip each) and which from a script ({@code [0 lua]}).
 *
 * <p>Our tiered cache has an L1 of one entry, so every get and getAll goes to Redis (an L2 hit).
 * Usage: {@code RoundTrips <output.json>} with {@code -Dbench.redis=redis://127.0.0.1:PORT}.
 */
public final class RoundTrips {

  private static final int N = 1_000;
  private static final int SETS = 100;

  public static void main(String[] args) throws Exception {
    Path output = Path.of(args[0]);
    StringBuilder json = new StringBuilder("[\n");
    String[] keys = Data.keys(1024);
    Set<String>[] sets = Data.keySets(keys, SETS, 100, 3);
    byte[] value = Data.value(1);
    boolean first = true;
    for (String impl : List.of("mtj-tiered", "redisson-jcache", "raw-redisson")) {
      try (Contender cache = Contenders.create(impl, true, 1, false)) {
        cache.fill(Data.entries(keys));
        for (int i = 0; i < 200; i++) { // load scripts, open connections
          cache.get(keys[i]);
          cache.put(keys[i], value);
          cache.getAll(sets[i % SETS]);
        }
        Thread.sleep(200);
        Map<String, Runnable> operations = new LinkedHashMap<>();
        operations.put("get (L2 hit)", () -> {
          for (int i = 0; i < N; i++) {
            if (cache.get(keys[i % keys.length]) == null) {
              throw new IllegalStateException(impl + " missed");
            }
          }
        });
        operations.put("getAll(100) (L2 hits)", () -> {
          for (int i = 0; i < N; i++) {
            if (cache.getAll(sets[i % SETS]).size() != 100) {
              throw new IllegalStateException(impl + " getAll missed");
            }
          }
        });
        operations.put("put", () -> {
          for (int i = 0; i < N; i++) {
            cache.put(keys[i % keys.length], value);
          }
        });
        for (Map.Entry<String, Runnable> operation : operations.entrySet()) {
          Redis.call("CONFIG", "RESETSTAT");
          Monitor monitor = new Monitor();
          operation.getValue().run();
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
          String line = String.format(java.util.Locale.ROOT,
              "  {\"contender\": \"%s\", \"operation\": \"%s\", \"operations\": %d, \"roundTripsPerOp\": %.3f,"
                  + " \"commandsPerOp\": %.3f, \"luaCommandsPerOp\": %.3f, \"clientCommands\": \"%s\", \"commandstats\": \"%s\"}",
              impl, operation.getKey(), N, client / (double) N, all / (double) N, lua / (double) N,
              format(clientPerOp), format(perOp));
          json.append(first ? "" : ",\n").append(line);
          first = false;
          System.out.println(line);
        }
      }
    }
    json.append("\n]\n");
    Files.createDirectories(output.toAbsolutePath().getParent());
    Files.writeString(output, json.toString(), UTF_8);
  }

  private static String format(Map<String, Double> perOp) {
    List<String> parts = new ArrayList<>();
    perOp.forEach((command, calls) -> parts.add(String.format(java.util.Locale.ROOT, "%s %.2f", command, calls)));
    return String.join(", ", parts);
  }

  /** A MONITOR connection counting commands by name and by source: [client, lua]. */
  static final class Monitor {
    private final Socket socket;
    private final Thread reader;
    private final Map<String, long[]> counts = new TreeMap<>();
    private final String marker = "bench-end-" + System.nanoTime();

    Monitor() throws IOException {
      socket = new Socket();
      socket.connect(Redis.socketAddress(), 5_000);
      Redis.send(socket.getOutputStream(), "MONITOR");
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (!"+OK".equals("+" + readStatus(in))) {
        throw new IllegalStateException("MONITOR refused");
      }
      reader = new Thread(() -> read(in), "monitor");
      reader.start();
    }

    private static String readStatus(InputStream in) throws IOException {
      in.read();
      return Redis.readLine(in);
    }

    private void read(InputStream in) {
      try {
        for (;;) {
          String line = readStatus(in);
          if (line.contains(marker)) {
            return;
          }
          int open = line.indexOf('[');
          int close = line.indexOf(']', open);
          int quote = line.indexOf('"', close);
          int end = line.indexOf('"', quote + 1);
          String command = line.substring(quote + 1, end).toLowerCase(java.util.Locale.ROOT);
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
