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
