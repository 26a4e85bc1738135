package io.multitier.jcache.engine;

import io.multitier.jcache.testing.ChildJvm;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServer;
import javax.cache.CacheManager;

/**
 * Two nodes of one application over one redis-server: a CacheManager in this JVM and an
 * {@link EngineNode} child JVM, both from the same YAML file, and the {@link Resp#PORT} property
 * that their writers and loaders read.
 */
final class TwoNodes implements AutoCloseable {

  private final ManagerFiles managers = new ManagerFiles();
  private ChildJvm child;
  private CacheManager manager;

  private TwoNodes() {}

  /** Starts both nodes, their caches declared by {@code caches} under the key prefix. */
  static TwoNodes start(RedisServer server, String keyPrefix, String caches) {
    System.setProperty(Resp.PORT, Integer.toString(server.port()));
    TwoNodes nodes = new TwoNodes();
    // these tests count what contending writers do, not how fast Redis answers: a timeout of 5 s,
    // not the default 1 s, which a 2-core machine running other builds can miss
    String yaml = ManagerFiles.sharedClient(server, keyPrefix) + "  timeout: 5s\n" + caches;
    try {
      nodes.manager = nodes.managers.open(yaml);
      nodes.child = ChildJvm.start(EngineNode.class, nodes.managers.write("child.yaml", yaml).toUri().toString(),
          Integer.toString(server.port()));
      return nodes;
    } catch (RuntimeException | Error e) {
      nodes.close();
      throw e;
    }
  }

  /** Returns this JVM's CacheManager. */
  CacheManager manager() {
    return manager;
  }

  /** Returns the other JVM. */
  ChildJvm child() {
    return child;
  }

  @Override
  public void close() {
    try {
      if (child != null) {
        child.close();
      }
    } finally {
      managers.close();
      System.clearProperty(Resp.PORT);
    }
  }
}
