package io.multitier.bench;

import io.multitier.jcache.testing.RedisServer;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The redis-server of the run ({@code -Dbench.redis=redis://127.0.0.1:PORT}, started by
 * {@link RedisMain} as the provider's tests start theirs), reached for admin commands through the
 * test harness's {@link RedisServer#callAt}: one short connection per command, never a contender's.
 */
public final class Redis {

  /** One line of {@code INFO commandstats}: calls and microseconds per call. */
  public record CommandStat(long calls, double usecPerCall) {}

  private Redis() {}

  /** Redisson's form of the address, {@code redis://127.0.0.1:PORT}. */
  public static String address() {
    String address = System.getProperty("bench.redis");
    if (address == null || address.isEmpty()) {
      throw new IllegalStateException("set -Dbench.redis=redis://127.0.0.1:PORT (bench/run.sh does)");
    }
    return address;
  }

  static int port() {
    return URI.create(address()).getPort();
  }

  /** Returns the run's redis-server's CPU time, user and system, in seconds. */
  static double cpuSeconds() {
    return cpuSeconds((String) call("INFO", "cpu"));
  }

  /** Returns the CPU time, user and system, in seconds, that an {@code INFO cpu} reply states. */
  static double cpuSeconds(String info) {
    double seconds = 0;
    for (String line : info.split("\r\n")) {
      if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
        seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).strip());
      }
    }
    return seconds;
  }

  /** Returns the median round trip of 1,000 PINGs on one connection to {@code address}, in µs. */
  static long pingMicros(String address) throws java.io.IOException {
    URI uri = URI.create(address);
    byte[] ping = "*1\r\n$4\r\nPING\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    long[] micros = new long[1_000];
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      socket.setTcpNoDelay(true);
      java.io.InputStream in = socket.getInputStream();
      byte[] reply = new byte[7];
      for (int i = 0; i < micros.length; i++) {
        long start = System.nanoTime();
        socket.getOutputStream().write(ping);
        for (int read = 0; read < reply.length; ) {
          read += in.read(reply, read, reply.length - read);
        }
        micros[i] = (System.nanoTime() - start) / 1_000;
      }
    }
    java.util.Arrays.sort(micros);
    return micros[micros.length / 2];
  }

  public static Object call(String... command) {
    return RedisServer.callAt(port(), command);
  }

  /** Calls per command since the last CONFIG RESETSTAT, less info and config. */
  public static Map<String, Long> commandStats() {
    Map<String, Long> calls = new LinkedHashMap<>();
    commandStatsWithTime().forEach((command, stat) -> calls.put(command, stat.calls()));
    return calls;
  }

  /** {@code INFO commandstats} since the last CONFIG RESETSTAT, less info and config. */
  public static Map<String, CommandStat> commandStatsWithTime() {
    String info = (String) call("INFO", "commandstats");
    Map<String, CommandStat> stats = new LinkedHashMap<>();
    for (String line : info.split("\r\n")) {
      if (!line.startsWith("cmdstat_")) {
        continue;
      }
      int colon = line.indexOf(':');
      String command = line.substring("cmdstat_".length(), colon);
      if (command.equals("info") || command.startsWith("config")) {
        continue;
      }
      long calls = 0;
      double usec = 0;
      for (String field : line.substring(colon + 1).split(",")) {
        if (field.startsWith("calls=")) {
          calls = Long.parseLong(field.substring("calls=".length()));
        } else if (field.startsWith("usec_per_call=")) {
          usec = Double.parseDouble(field.substring("usec_per_call=".length()));
        }
      }
      stats.put(command, new CommandStat(calls, usec));
    }
    return stats;
  }
}
