package io.multitier.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The scale model (issue 13, item 5; issue 19, item 4): 2, 4 and 8 {@link ScaleNode} JVMs on loopback
 * ({@code -Xmx64m}, {@code -Dscale.nodeHeap}), each with {@code -Dscale.managers} CacheManagers
 * (default 1; each a simulated node with its own Redisson client), one redis-server and one cache
 * shared by all. Per transport ({@code -Dscale.invalidations=publish,tracking}, else
 * {@code -Dbench.invalidation}, else publish), per workload ({@code -Dscale.reads=all,own}: every node
 * reads every key, or node i the keys whose index is i modulo the number of nodes; with
 * {@code -Dscale.sweepMillis} above 0 every node reads its keys again all the time, each once per
 * that many ms) and per number of JVMs, after a warm-up round (node 0 writes
 * {@code -Dscale.warmupRate}, default 1,000/s, for {@code -Dscale.warmupMillis}, default 10 s, so
 * that the notice path is compiled), the rounds of {@code -Dscale.variants}, each an idle window
 * then a write window:
 *
 * <ul>
 *   <li>{@code one-writer}: node 0 writes {@code -Dscale.rate} writes/s (default 500), the others only listen;
 *   <li>{@code all-write}: every node writes {@code -Dscale.nodeRate} writes/s (default 200).
 * </ul>
 *
 * For each round: each JVM's writes, notices received, reads from Redis and process CPU time in both
 * windows, and Redis's side: {@code INFO commandstats} (calls and usec_per_call of evalsha and
 * publish) over the write window and {@code INFO cpu} over both. Usage: {@code ScaleModel <scale.json>}
 * with {@code -Dbench.redis=redis://127.0.0.1:PORT}; {@code -Dscale.nodes=2,4,8},
 * {@code -Dscale.idleMillis=4000}, {@code -Dscale.writeMillis=8000}, {@code -Dscale.keys=10000}.
 */
public final class ScaleModel {

  static final int KEYS = Integer.getInteger("scale.keys", 10_000);
  static final String CACHE = "scale";
  static final String PREFIX = "scale:";
  static final String CHANNEL = PREFIX + "#invalidations";
  /** Time after the last node's last write for the notices in flight. */
  static final long SETTLE_MILLIS = 500;

  private ScaleModel() {}

  /** The cache every node (and the coordinator, to fill it) opens: tiered, L1 big enough for every key. */
  static Contenders.JCacheContender cache() {
    return Contenders.mtj(CACHE, true, true, 2 * KEYS, false, null, PREFIX);
  }

  /** The same cache in a CacheManager with a Redisson client of its own (several simulated nodes in one JVM). */
  static Contenders.JCacheContender cacheWithOwnClient() {
    return Contenders.mtjOwnClient(CACHE, 2 * KEYS, PREFIX);
  }

  public static void main(String[] args) throws Exception {
    Path output = Path.of(args[0]);
    List<Integer> counts = new ArrayList<>();
    for (String n : System.getProperty("scale.nodes", "2,4,8").split(",")) {
      counts.add(Integer.parseInt(n.strip()));
    }
    long idle = Long.getLong("scale.idleMillis", 4_000);
    long write = Long.getLong("scale.writeMillis", 8_000);
    double rate = Double.parseDouble(System.getProperty("scale.rate", "500"));
    double nodeRate = Double.parseDouble(System.getProperty("scale.nodeRate", "200"));
    double warmupRate = Double.parseDouble(System.getProperty("scale.warmupRate", "1000"));
    List<String> variants = List.of(System.getProperty("scale.variants", "one-writer,all-write").split(","));
    int managers = Integer.getInteger("scale.managers", 1);
    long sweepMillis = Long.getLong("scale.sweepMillis", 0);

    Redis.call("FLUSHALL");
    try (Contender filler = cache()) {
      filler.fill(Data.entries(Data.keys(KEYS)));
    }
    List<String> rounds = new ArrayList<>();
    for (String invalidation : invalidations()) {
      for (String reads : System.getProperty("scale.reads", "all").split(",")) {
        Setup setup = new Setup(invalidation, reads, managers, sweepMillis);
        for (int n : counts) {
          List<Node> nodes = new ArrayList<>();
          try {
            for (int i = 0; i < n; i++) {
              nodes.add(Node.start(i, reads.equals("own") ? n : 0, invalidation));
            }
            for (Node node : nodes) {
              node.await("ready", 120 + 30L * managers);
            }
            awaitSubscribers(n * managers, invalidation);
            round(setup, nodes, "warm-up", 1_000, Long.getLong("scale.warmupMillis", 10_000),
                i -> i == 0 ? warmupRate : 0, i -> 1);
            if (variants.contains("one-writer")) {
              rounds.add(round(setup, nodes, "one-writer", idle, write, i -> i == 0 ? rate : 0, i -> 1));
            }
            if (variants.contains("all-write")) {
              rounds.add(round(setup, nodes, "all-write", idle, write, i -> nodeRate, i -> managers));
            }
          } finally {
            nodes.forEach(Node::close);
          }
        }
      }
    }
    Files.createDirectories(output.toAbsolutePath().getParent());
    Files.writeString(output, "[\n" + String.join(",\n", rounds) + "\n]\n", UTF_8);
  }

  /** The transports to run: {@code -Dscale.invalidations}, else {@code -Dbench.invalidation}, else publish. */
  private static List<String> invalidations() {
    String named = System.getProperty("scale.invalidations", System.getProperty("bench.invalidation", ""));
    return List.of((named.isEmpty() ? "publish" : named).split(","));
  }

  /** What the rounds of one run of node JVMs share. */
  record Setup(String invalidation, String reads, int managers, long sweepMillis) {}

  /**
   * Runs one round: in JVM i, the first {@code writers(i)} CacheManagers write {@code rates(i)}
   * writes/s each.
   */
  private static String round(Setup setup, List<Node> nodes, String variant, long idle, long write,
      java.util.function.IntToDoubleFunction rates, java.util.function.IntUnaryOperator writers) throws Exception {
    double redisIdle0 = Redis.cpuSeconds();
    long idleStart = System.nanoTime();
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).send(String.format(Locale.ROOT, "go %d %d %.3f %d", idle, write, rates.applyAsDouble(i),
          writers.applyAsInt(i)));
    }
    Thread.sleep(idle);
    Redis.call("CONFIG", "RESETSTAT");
    double redisCpu0 = Redis.cpuSeconds();
    double redisIdleCpu = redisCpu0 - redisIdle0;
    double redisIdleMillis = (System.nanoTime() - idleStart) / 1e6;
    long writeStart = System.nanoTime();
    for (Node node : nodes) {
      node.await("written ", 60 + write / 1000 * 4);
    }
    Thread.sleep(SETTLE_MILLIS);
    List<String> results = new ArrayList<>();
    for (Node node : nodes) {
      node.send("stop");
    }
    for (Node node : nodes) {
      results.add(node.await("result ", 30));
    }
    double redisCpu = Redis.cpuSeconds() - redisCpu0;
    double redisWriteMillis = (System.nanoTime() - writeStart) / 1e6;
    Map<String, Redis.CommandStat> stats = Redis.commandStatsWithTime();
    Redis.CommandStat evalsha = stats.getOrDefault("evalsha", new Redis.CommandStat(0, 0));
    Redis.CommandStat publish = stats.getOrDefault("publish", new Redis.CommandStat(0, 0));
    String line = String.format(Locale.ROOT,
        "  {\"nodes\": %d, \"variant\": \"%s\", \"invalidation\": \"%s\", \"reads\": \"%s\", \"managers\": %d,"
            + " \"sweepMillis\": %d, \"redisIdleCpuSeconds\": %.4f, \"redisIdleMillis\": %.0f,"
            + " \"redisWriteMillis\": %.0f, \"redisCpuSeconds\": %.4f, \"evalshaCalls\": %d, \"evalshaUsecPerCall\": %.3f,"
            + " \"publishCalls\": %d, \"publishUsecPerCall\": %.3f, \"results\": [%s]}",
        nodes.size(), variant, setup.invalidation(), setup.reads(), setup.managers(), setup.sweepMillis(), redisIdleCpu,
        redisIdleMillis, redisWriteMillis, redisCpu, evalsha.calls(), evalsha.usecPerCall(), publish.calls(),
        publish.usecPerCall(), String.join(", ", results));
    System.out.println(summary(line));
    return line;
  }

  /**
   * One line per round for the console: writes, notices and reads from Redis per write (all nodes),
   * Redis's CPU per write, and per JVM its notices and CPU beyond idle.
   */
  private static String summary(String line) throws IOException {
    JsonNode round = new ObjectMapper().readTree(line);
    long writes = 0;
    long notices = 0;
    long reads = 0;
    StringBuilder nodes = new StringBuilder();
    for (JsonNode r : round.get("results")) {
      writes += r.get("writes").asLong();
      notices += r.get("notices").asLong();
      reads += r.get("l2Reads").asLong();
      nodes.append(String.format(Locale.ROOT, " [%d: %d writes, %d notices, %d reads, %d re-read gets/s, %.0f ms CPU,"
              + " %.0f ms writer thread, %.0f ms other threads, %d failed calls]",
          r.get("node").asInt(), r.get("writes").asLong(), r.get("notices").asLong(), r.get("l2Reads").asLong(),
          r.get("rereads").asLong() * 1000 / Math.max(1, r.get("writeMillis").asLong() + r.get("settleMillis").asLong()),
          extraCpuNanos(r) / 1e6, r.get("writerThreadCpuNanos").asDouble() / 1e6, receiverCpuNanos(r) / 1e6,
          r.path("failures").asLong()));
    }
    return String.format(Locale.ROOT, "%s, reads %s, %d JVMs x %d, %s: %d writes; per write %.3f notices, %.3f reads"
            + " from Redis; Redis CPU per write %.1f us, %.1f us beyond idle;%s",
        round.get("invalidation").asText(), round.get("reads").asText(), round.get("nodes").asInt(),
        round.get("managers").asInt(), round.get("variant").asText(), writes, (double) notices / Math.max(1, writes),
        (double) reads / Math.max(1, writes), round.get("redisCpuSeconds").asDouble() * 1e6 / Math.max(1, writes),
        redisCpuBeyondIdle(round) * 1e6 / Math.max(1, writes), nodes);
  }

  /** Redis's CPU time over a round's write window beyond its rate in the idle window, in seconds. */
  static double redisCpuBeyondIdle(JsonNode round) {
    if (!round.has("redisIdleCpuSeconds")) {
      return round.get("redisCpuSeconds").asDouble();
    }
    double idleRate = round.get("redisIdleCpuSeconds").asDouble() / round.get("redisIdleMillis").asDouble();
    return round.get("redisCpuSeconds").asDouble() - idleRate * round.get("redisWriteMillis").asDouble();
  }

  /** A node's CPU time in the write window beyond its idle rate over the same time. */
  static double extraCpuNanos(JsonNode r) {
    double idleRate = r.get("idleCpuNanos").asDouble() / r.get("idleMillis").asDouble();
    double millis = r.get("writeMillis").asDouble() + r.get("settleMillis").asDouble();
    return r.get("writeCpuNanos").asDouble() - idleRate * millis;
  }

  /**
   * The CPU time of a node's Java threads other than the writing one (Redisson's event loops, which
   * receive the notices and drop the L1 copies) in the write window, beyond their idle rate.
   */
  static double receiverCpuNanos(JsonNode r) {
    double idleRate = r.get("idleOtherJavaThreadsCpuNanos").asDouble() / r.get("idleMillis").asDouble();
    double millis = r.get("writeMillis").asDouble() + r.get("settleMillis").asDouble();
    return r.get("otherJavaThreadsCpuNanos").asDouble() - idleRate * millis;
  }

  /** Waits up to 10 s for the channel to have exactly {@code expected} subscribers (the last run's may be leaving). */
  private static void awaitSubscribers(long expected, String invalidation) throws InterruptedException {
    String channel = invalidation.equals("tracking") ? "__redis__:invalidate" : CHANNEL;
    long subscribers = -1;
    for (int i = 0; i < 100 && subscribers != expected; i++) {
      if (i > 0) {
        Thread.sleep(100);
      }
      subscribers = (Long) ((List<?>) Redis.call("PUBSUB", "NUMSUB", channel)).get(1);
    }
    if (subscribers != expected) {
      throw new IllegalStateException(expected + " nodes but " + subscribers + " subscribers of " + channel);
    }
  }

  /** A ScaleNode process: its {@code @} lines queued, its stderr kept for a failure message. */
  static final class Node implements AutoCloseable {
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();

    private Node(Process process) {
      this.process = process;
      this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), UTF_8);
      daemon(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("@")) {
              replies.add(line.substring(1));
            }
          }
        } catch (IOException ended) {
          // the process ended
        }
      });
      daemon(() -> {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), UTF_8))) {
          for (String line = err.readLine(); line != null; line = err.readLine()) {
            if (stderr.length() < 20_000) {
              stderr.append(line).append('\n');
            }
          }
        } catch (IOException ended) {
          // the process ended
        }
      });
    }

    /** Starts JVM {@code index}; with a JVM count above 0 its nodes read only their own shares. */
    static Node start(int index, int jvms, String invalidation) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder builder = new ProcessBuilder(java, "-Xmx" + System.getProperty("scale.nodeHeap", "64m"),
          "-XX:+UseSerialGC", "-Dbench.invalidation=" + invalidation, "-Dscale.keys=" + KEYS,
          "-Dscale.managers=" + Integer.getInteger("scale.managers", 1),
          "-Dscale.sweepMillis=" + Long.getLong("scale.sweepMillis", 0),
          "-cp", System.getProperty("java.class.path"), ScaleNode.class.getName(), Redis.address(),
          Integer.toString(index), Integer.toString(jvms));
      try {
        return new Node(builder.start());
      } catch (IOException e) {
        throw new UncheckedIOException("could not start a ScaleNode JVM", e);
      }
    }

    private static void daemon(Runnable task) {
      Thread thread = new Thread(task, "scale-node-io");
      thread.setDaemon(true);
      thread.start();
    }

    void send(String command) throws IOException {
      stdin.write(command + "\n");
      stdin.flush();
    }

    /** Waits for the next reply, which must start with the prefix; returns what follows it. */
    String await(String prefix, long seconds) throws InterruptedException {
      String reply = replies.poll(seconds, TimeUnit.SECONDS);
      if (reply == null || !reply.startsWith(prefix)) {
        throw new IllegalStateException("a ScaleNode answered " + reply + " instead of " + prefix.strip()
            + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")") + ": " + stderr);
      }
      return reply.substring(prefix.length());
    }

    @Override
    public void close() {
      try {
        if (process.isAlive()) {
          send("quit");
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (IOException | InterruptedException ignored) {
        // ended below
      } finally {
        process.destroyForcibly();
      }
    }
  }
}
