package io.multitier.jcache.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.testing.ChildJvm;
import io.multitier.jcache.testing.ManagerFiles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.cache.CacheManager;

/**
 * Nodes of one application over one redis-server: a CacheManager in this JVM for each YAML file,
 * and {@link CoherenceNode} children that open every file (cache {@code M/NAME} is in the
 * CacheManager of file M). Closes them all.
 */
final class Nodes implements AutoCloseable {

  private final ManagerFiles managers = new ManagerFiles();
  private final List<CacheManager> here = new ArrayList<>();
  private final List<ChildJvm> children = new ArrayList<>();

  private Nodes() {}

  /** Starts the CacheManagers of this JVM and the children. */
  static Nodes start(int childCount, String... yamls) {
    Nodes nodes = new Nodes();
    try {
      String[] files = new String[yamls.length];
      for (int i = 0; i < yamls.length; i++) {
        nodes.here.add(nodes.managers.open(yamls[i]));
        files[i] = nodes.managers.write("node-" + i + ".yaml", yamls[i]).toUri().toString();
      }
      for (int i = 0; i < childCount; i++) {
        nodes.children.add(ChildJvm.start(CoherenceNode.class, files));
      }
      return nodes;
    } catch (RuntimeException | Error e) {
      nodes.close();
      throw e;
    }
  }

  /** Returns this JVM's CacheManager of file {@code index}. */
  CacheManager manager(int index) {
    return here.get(index);
  }

  /** Returns the child JVMs. */
  List<ChildJvm> children() {
    return children;
  }

  /** Returns the first child JVM. */
  ChildJvm child() {
    return children.get(0);
  }

  /**
   * Waits until the child answers a get of the key from an L1 copy of the value: the notice of the
   * write may arrive after the child copied the value, and drop that copy.
   */
  static void awaitCopy(ChildJvm child, String cache, String key, String value) {
    await().atMost(Duration.ofSeconds(5)).until(() -> {
      long hits = Long.parseLong(child.send("stat " + cache + " l1.hits"));
      assertThat(child.send("get " + cache + " " + key)).isEqualTo("value " + value);
      return Long.parseLong(child.send("stat " + cache + " l1.hits")) == hits + 1;
    });
  }

  @Override
  public void close() {
    try {
      children.forEach(ChildJvm::close);
    } finally {
      managers.close();
    }
  }
}
