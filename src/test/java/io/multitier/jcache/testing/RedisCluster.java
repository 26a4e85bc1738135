package io.multitier.jcache.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A local Redis Cluster of three masters and no replicas for tests: three {@link RedisServer}s
 * started with {@code --cluster-enabled yes} (each with a bus port of its own, {@code cluster-port}),
 * joined by {@code redis-cli --cluster create … --cluster-yes}, and ready once every node reports
 * {@code cluster_state:ok} with all 16384 slots assigned.
 */
public final class RedisCluster implements AutoCloseable {

  private static final int MASTERS = 3;
  private static final Duration READY = Duration.ofSeconds(30);

  private final List<RedisServer> nodes;

  private RedisCluster(List<RedisServer> nodes) {
    this.nodes = nodes;
  }

  /** Starts the three nodes, creates the cluster and waits until it serves every slot. */
  public static RedisCluster start() {
    List<RedisServer> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < MASTERS; i++) {
        nodes.add(RedisServer.start(List.of(
            "--cluster-enabled", "yes",
            "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", "5000",
            "--cluster-port", Integer.toString(RedisServer.freePort()))));
      }
      RedisCluster cluster = new RedisCluster(nodes);
      cluster.create();
      cluster.awaitReady();
      return cluster;
    } catch (RuntimeException | Error e) {
      nodes.forEach(RedisServer::stop);
      throw e;
    }
  }

  /** Returns the nodes' addresses in Redisson's form, {@code redis://127.0.0.1:PORT}. */
  public List<String> addresses() {
    return nodes.stream().map(RedisServer::address).toList();
  }

  /** Returns the nodes. */
  public List<RedisServer> nodes() {
    return nodes;
  }

  /** Returns the {@code clusterServersConfig} of a Redisson YAML file for this cluster, with extra settings. */
  public String redissonYaml(String extraSettings) {
    StringBuilder yaml = new StringBuilder("clusterServersConfig:\n  nodeAddresses:\n");
    for (String address : addresses()) {
      yaml.append("    - \"").append(address).append("\"\n");
    }
    yaml.append("  scanInterval: 2000\n");
    yaml.append(extraSettings.indent(2));
    return yaml.toString();
  }

  /** Empties every master. */
  public void flushAll() {
    for (RedisServer node : nodes) {
      node.call("FLUSHALL");
    }
  }

  /** Returns the keys held by all masters together. */
  public long dbSize() {
    long total = 0;
    for (RedisServer node : nodes) {
      total += (Long) node.call("DBSIZE");
    }
    return total;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (RedisServer node : nodes) {
      try {
        node.stop();
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void create() {
    List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    for (RedisServer node : nodes) {
      command.add("127.0.0.1:" + node.port());
    }
    command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(READY.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("redis-cli --cluster create failed: " + new String(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run redis-cli (Debian's redis-tools package)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the cluster", e);
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      boolean ready = true;
      for (RedisServer node : nodes) {
        last = (String) node.call("CLUSTER", "INFO");
        if (!last.contains("cluster_state:ok") || !last.contains("cluster_slots_ok:16384")
            || !last.contains("cluster_known_nodes:" + MASTERS)) {
          ready = false;
          break;
        }
      }
      if (ready) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the cluster", e);
      }
    }
    throw new IllegalStateException("the cluster was not ready within " + READY + ": " + last);
  }
}
