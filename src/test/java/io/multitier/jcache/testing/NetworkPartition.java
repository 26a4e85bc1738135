package io.multitier.jcache.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of its own, joined to this one by a veth pair, where a child JVM runs
 * ({@link #launcher()}) and reaches a server of this namespace at {@link #hostAddress()}. {@link #cut()}
 * drops every IPv4 packet between them both ways, on each side's {@code INPUT} chain: no reset and
 * no local error comes back, as with a switch, a security group or a NAT that drops them. Needs
 * root (or {@code CAP_NET_ADMIN}), iproute2 and iptables ({@code .ci/install-redis.sh} installs them);
 * {@link #create()} fails with an {@link IllegalStateException} that says why where they are missing.
 * {@link #close()} removes the rules and the namespace, and so does a shutdown hook if the JVM ends first.
 */
public final class NetworkPartition implements AutoCloseable {

  private static final long COMMAND_SECONDS = 10;

  private final String namespace;
  private final String hostLink;
  private final String namespaceLink;
  private final String hostAddress;
  private final String namespaceAddress;
  private final Thread reaper = new Thread(this::removeQuietly, "network-partition-reaper");
  private boolean cut;

  private NetworkPartition(long id) {
    // names unique to this JVM (a link name has at most 15 characters), in a /30 of 10.213/16
    this.namespace = "mtjp" + id;
    this.hostLink = "mtjp" + id + "h";
    this.namespaceLink = "mtjp" + id + "n";
    long subnet = (id % 16_384) * 4;
    String prefix = "10.213." + (subnet / 256) + ".";
    this.hostAddress = prefix + (subnet % 256 + 1);
    this.namespaceAddress = prefix + (subnet % 256 + 2);
  }

  /** Creates the namespace and its link to this one, not cut. */
  public static NetworkPartition create() {
    NetworkPartition partition = new NetworkPartition(ProcessHandle.current().pid() % 100_000);
    try {
      partition.run("ip", "netns", "add", partition.namespace);
      Runtime.getRuntime().addShutdownHook(partition.reaper);
      partition.run("ip", "link", "add", partition.hostLink, "type", "veth", "peer", "name", partition.namespaceLink);
      partition.run("ip", "link", "set", partition.namespaceLink, "netns", partition.namespace);
      partition.run("ip", "addr", "add", partition.hostAddress + "/30", "dev", partition.hostLink);
      partition.run("ip", "link", "set", partition.hostLink, "up");
      partition.inside("ip", "addr", "add", partition.namespaceAddress + "/30", "dev", partition.namespaceLink);
      partition.inside("ip", "link", "set", partition.namespaceLink, "up");
      partition.inside("ip", "link", "set", "lo", "up");
      // both tables answer before the test starts, so that a machine without iptables skips it
      partition.run("iptables", "-L", "INPUT", "-n");
      partition.inside("iptables", "-L", "INPUT", "-n");
    } catch (RuntimeException e) {
      partition.close();
      throw e;
    }
    return partition;
  }

  /** Returns the address of this namespace's end of the link, where a server must listen to be reached. */
  public String hostAddress() {
    return hostAddress;
  }

  /** Returns the command prefix that runs a program inside the namespace. */
  public List<String> launcher() {
    return List.of("ip", "netns", "exec", namespace);
  }

  /** Drops every IPv4 packet between the namespace and this one, both ways. */
  public synchronized void cut() {
    if (!cut) {
      run(rule("iptables", "-I", hostLink));
      inside(rule("iptables", "-I", namespaceLink));
      cut = true;
    }
  }

  /** Lets the packets through again. */
  public synchronized void heal() {
    if (cut) {
      run(rule("iptables", "-D", hostLink));
      inside(rule("iptables", "-D", namespaceLink));
      cut = false;
    }
  }

  /** Heals, deletes the namespace and its link. */
  @Override
  public void close() {
    removeQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException | IllegalArgumentException ignored) {
      // shutting down, or never added
    }
  }

  private synchronized void removeQuietly() {
    if (cut) {
      tryRun(rule("iptables", "-D", hostLink));
      cut = false;
    }
    // deleting the namespace deletes its rules and both ends of the link
    tryRun("ip", "netns", "del", namespace);
    tryRun("ip", "link", "del", hostLink);
  }

  private static String[] rule(String command, String action, String link) {
    return new String[] {command, action, "INPUT", "-i", link, "-m", "comment", "--comment", "mtj-partition", "-j", "DROP"};
  }

  private void inside(String... command) {
    List<String> full = new ArrayList<>(launcher());
    full.addAll(List.of(command));
    run(full.toArray(String[]::new));
  }

  private void tryRun(String... command) {
    try {
      run(command);
    } catch (RuntimeException ignored) {
      // already gone
    }
  }

  private String run(String... command) {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command[0] + ": " + e.getMessage(), e);
    }
    try {
      if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not end in " + COMMAND_SECONDS + " s");
      }
      String output = new String(process.getInputStream().readAllBytes(), UTF_8).strip();
      if (process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
