package io.multitier.bench;

import io.multitier.jcache.testing.DelayProxy;
import io.multitier.jcache.testing.RedisServer;
import java.net.URI;
import java.nio.file.Path;

/**
 * The run's redis-server behind a {@link DelayProxy} (issue 21, item 5): {@code DelayedRedisMain
 * <address file> [delay µs, 250]} starts a server as {@link RedisMain} does, puts the proxy in front
 * of it, measures what the proxy adds to a PING's round trip, and writes the proxy's address to the
 * file; every contender then reaches Redis as over a network between two machines of one zone.
 */
public final class DelayedRedisMain {

  private DelayedRedisMain() {}

  public static void main(String[] args) throws Exception {
    long delayMicros = (args.length > 1) ? Long.parseLong(args[1]) : 250;
    RedisServer server = RedisServer.start();
    URI direct = URI.create(server.address());
    DelayProxy proxy = DelayProxy.start(direct.getHost(), direct.getPort(), delayMicros);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      proxy.close();
      server.stop();
    }, "redis-server-stop"));
    System.out.println("redis-server " + server.address() + " behind a proxy at " + proxy.address() + ", "
        + delayMicros + " µs each way; PING round trip, median of 1,000: direct "
        + Redis.pingMicros(server.address()) + " µs, through the proxy " + Redis.pingMicros(proxy.address()) + " µs");
    RedisMain.announce(Path.of(args[0]), proxy.address());
    Thread.currentThread().join();
  }
}
