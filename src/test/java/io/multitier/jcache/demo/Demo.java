package io.multitier.jcache.demo;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.tier.TierStatistics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.cfg.Configuration;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.stat.Statistics;

/**
 * Multi-Tier JCache as Hibernate's second-level cache, in a minute.
 *
 * <p>With no argument: one application node, the embedded default (in-process tier only, no
 * Redis). With a Redis address ({@code -Ddemo.redis=redis://127.0.0.1:6379}, or as the first
 * argument): two nodes that share that Redis, printing which tier answers each read and the
 * invalidations that keep the other node's in-process copies fresh. The two nodes are two
 * SessionFactories in this one JVM, each with its own CacheManager and its own Redisson client: to
 * Redis and to each other they are what two JVMs are (their L1s are separate, and a notice crosses
 * Redis), but they share one H2 database and one process.
 */
public final class Demo {

  private static final String QUERY = "select b.title from Book b where b.price < 20 order by b.id";

  private Demo() {}

  public static void main(String[] args) throws Exception {
    quietLogs();
    String redis = (args.length > 0) ? args[0] : System.getProperty("demo.redis");
    Path dir = Files.createTempDirectory("multitier-demo-");
    try {
      if (redis == null || redis.isBlank()) {
        oneNode(dir);
      } else {
        twoNodes(dir, redis.strip());
      }
    } finally {
      try (var files = Files.list(dir)) {
        files.forEach(f -> f.toFile().delete());
      }
      Files.deleteIfExists(dir);
    }
  }

  /** The embedded default: Hibernate's regions in this JVM's memory. */
  private static void oneNode(Path dir) throws IOException {
    System.out.println("Multi-Tier JCache demo: Hibernate ORM's second-level cache");
    System.out.println("Mode: embedded default, in-process tier (L1) only, no Redis.");
    System.out.println("      (Run with -Ddemo.redis=redis://HOST:PORT for two nodes sharing a Redis.)");
    System.out.println();
    Path config = write(dir, "demo.yaml", """
        # no redis: section, so every cache is in-process only
        defaults:
          statistics: true   # JCache statistics; an L1-only cache counts its tier reads only with them on
        caches:
          "books": {maximumSize: 1000}
          "default-query-results-region": {maximumSize: 100}
          "default-update-timestamps-region": {}
        """);
    try (Node app = new Node("app", config, true)) {
      app.seed();
      System.out.println("Hibernate settings: hibernate.javax.cache.provider=io.multitier.jcache.MultiTierCachingProvider");
      System.out.println("                    hibernate.javax.cache.uri=" + config.getFileName());
      System.out.println();
      app.find(1);
      app.find(1);
      app.find(2);
      app.find(2);
      app.query();
      app.query();
      app.rename(1, "Dune (new edition)");
      app.find(1);
      app.query();
      System.out.println();
      app.summary();
      Node.explainCounters();
    }
  }

  /** Two application nodes, A and B, each with its own CacheManager and Redis client, sharing one Redis. */
  private static void twoNodes(Path dir, String redis) throws IOException {
    System.out.println("Multi-Tier JCache demo: Hibernate ORM's second-level cache on two nodes");
    System.out.println("Mode: tiered. Each node has its own in-process tier (L1); both share Redis (L2) at " + redis);
    System.out.println("      Nodes A and B are two CacheManagers in this JVM, each with its own Redis client, as two");
    System.out.println("      JVMs would have; their L1s are separate and notices between them cross Redis.");
    System.out.println();
    String caches = """
          keyPrefix: "multitier-demo:"
        defaults:
          allowedClasses: [hibernate]   # what Hibernate stores, read back from Redis
          statistics: true              # JCache statistics (javax.cache:type=CacheStatistics)
        caches:
          "books": {maximumSize: 1000}
          "default-query-results-region": {maximumSize: 100}
          "default-update-timestamps-region": {}
        """;
    // node B names the same server through a Redisson file: different settings, so its own client,
    // as a second JVM would have
    Path redisson = write(dir, "redisson-b.yaml", "singleServerConfig:\n  address: \"" + redis + "\"\n");
    Path configA = write(dir, "node-a.yaml", "redis:\n  address: \"" + redis + "\"\n" + caches);
    Path configB = write(dir, "node-b.yaml", "redis:\n  redissonConfig: \"" + redisson.toUri() + "\"\n" + caches);
    try (Node a = new Node("A", configA, true); Node b = new Node("B", configB, false)) {
      a.evictAll();
      b.evictAll();
      a.seed();
      b.listenToInvalidations();
      a.listenToInvalidations();
      System.out.println("Both nodes read book 1; A reads it first.");
      a.find(1);
      b.find(1);
      b.find(1);
      a.find(1);
      System.out.println();
      System.out.println("A renames book 1. Its write tells B, through Redis, to drop B's L1 copy.");
      a.rename(1, "Dune (new edition)");
      b.awaitInvalidation();
      b.find(1);
      b.find(1);
      System.out.println();
      System.out.println("B runs a cached query; A runs the same one.");
      b.query();
      a.query();
      System.out.println();
      a.summary();
      b.summary();
      Node.explainCounters();
    }
  }

  private static Path write(Path dir, String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static void quietLogs() {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.org.hibernate", "error");
    Logger.getLogger("org.hibernate").setLevel(Level.SEVERE);
  }

  /** One application node: a SessionFactory whose second-level cache is this provider. */
  private static final class Node implements AutoCloseable {

    private final String name;
    private final SessionFactory sessionFactory;
    private long invalidationsSeen;

    Node(String name, Path config, boolean createSchema) {
      this.name = name;
      this.sessionFactory = new Configuration()
          .addAnnotatedClass(Book.class)
          .setProperty("hibernate.connection.url", "jdbc:h2:mem:demo;DB_CLOSE_DELAY=-1")
          .setProperty("hibernate.hbm2ddl.auto", createSchema ? "create" : "none")
          .setProperty("hibernate.cache.use_second_level_cache", "true")
          .setProperty("hibernate.cache.use_query_cache", "true")
          .setProperty("hibernate.cache.region.factory_class", "jcache")
          .setProperty("hibernate.javax.cache.provider", "io.multitier.jcache.MultiTierCachingProvider")
          .setProperty("hibernate.javax.cache.uri", config.toUri().toString())
          .setProperty("hibernate.javax.cache.missing_cache_strategy", "fail")
          .setProperty("hibernate.generate_statistics", "true")
          .buildSessionFactory();
    }

    void seed() {
      write(s -> {
        s.persist(new Book(1L, "Dune", 18));
        s.persist(new Book(2L, "Neuromancer", 12));
        s.persist(new Book(3L, "Hyperion", 25));
      });
      evictAll();
      System.out.println("[" + name + "] stored 3 books in H2 (an in-memory database) and emptied the cache");
    }

    void find(long id) {
      Snapshot before = snapshot();
      String title = read(s -> s.find(Book.class, id).getTitle());
      System.out.printf("[%s] find book %d      -> %-22s %s%n", name, id, quote(title), before.explain(snapshot()));
    }

    void query() {
      Snapshot before = snapshot();
      List<String> titles = read(s -> s.createSelectionQuery(QUERY, String.class).setCacheable(true).getResultList());
      Statistics stats = sessionFactory.getStatistics();
      String how = (stats.getQueryCacheHitCount() > before.queryHits) ? "query cache hit" : "query cache miss: ran on H2";
      System.out.printf("[%s] query price < 20 -> %-22s %s%n", name, titles, how);
    }

    void rename(long id, String title) {
      write(s -> s.find(Book.class, id).setTitle(title));
      System.out.printf("[%s] rename book %d    -> %-22s committed; the cache holds the new version%n",
          name, id, quote(title));
    }

    void listenToInvalidations() {
      invalidationsSeen = tiers().invalidationsReceived();
    }

    /** Waits (at most 2 s) for the other node's invalidation of a book to arrive, and prints it. */
    void awaitInvalidation() {
      long deadline = System.nanoTime() + 2_000_000_000L;
      while (tiers().invalidationsReceived() == invalidationsSeen && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      long heard = tiers().invalidationsReceived() - invalidationsSeen;
      invalidationsSeen += heard;
      System.out.printf("[%s] invalidation notices for \"books\" received so far: %d (B dropped its L1 copy of book 1)%n",
          name, heard);
    }

    void evictAll() {
      sessionFactory.getCache().evictAllRegions();
      sessionFactory.getStatistics().clear();
    }

    void summary() {
      Statistics stats = sessionFactory.getStatistics();
      TierStatistics tiers = tiers();
      System.out.printf("[%s] Hibernate statistics: second-level hits %d, misses %d, puts %d; query cache hits %d, misses %d%n",
          name, stats.getSecondLevelCacheHitCount(), stats.getSecondLevelCacheMissCount(),
          stats.getSecondLevelCachePutCount(), stats.getQueryCacheHitCount(), stats.getQueryCacheMissCount());
      System.out.printf("[%s] region \"books\" per tier: %s%n", name, tiers);
    }

    /** Says how the two sets of counters relate, once. */
    static void explainCounters() {
      System.out.println();
      System.out.println("Reading the counters: Hibernate counts the entity lookups of its sessions. The tier counters");
      System.out.println("count every read Hibernate makes of the region since the node started: the inserts that seeded");
      System.out.println("the books and its own bookkeeping too (a load looks the key up again before it puts, an update");
      System.out.println("reads the entry to lock it), so \"misses\" is higher than Hibernate's. l1.hits: answered from");
      System.out.println("this JVM's memory; l2.hits: from Redis (each then promoted into L1). Tiered only:");
      System.out.println("invalidations.sent: a notice per write to the other nodes (Hibernate's inserts and locks are");
      System.out.println("writes too); invalidations.received: those heard, each dropping a copy; l1.flushes: times the");
      System.out.println("whole L1 was dropped (each node's clear at the start counts on both).");
    }

    private TierStatistics tiers() {
      JCacheRegionFactory regions = (JCacheRegionFactory) sessionFactory.unwrap(SessionFactoryImplementor.class)
          .getCache().getRegionFactory();
      return regions.getCacheManager().getCache("books").unwrap(TieredCache.class).tierStatistics();
    }

    private Snapshot snapshot() {
      Statistics stats = sessionFactory.getStatistics();
      TierStatistics tiers = tiers();
      return new Snapshot(stats.getSecondLevelCacheHitCount(), stats.getQueryCacheHitCount(),
          tiers.l1Hits(), tiers.l2Hits());
    }

    private <T> T read(Function<Session, T> work) {
      return sessionFactory.fromTransaction(work);
    }

    private void write(Consumer<Session> work) {
      sessionFactory.inTransaction(work);
    }

    @Override
    public void close() {
      sessionFactory.close();
    }
  }

  private record Snapshot(long hibernateHits, long queryHits, long l1Hits, long l2Hits) {

    String explain(Snapshot after) {
      if (after.hibernateHits == hibernateHits) {
        return "cache miss: read from H2, then cached";
      }
      if (after.l2Hits > l2Hits) {
        return "cache hit in Redis (L2), promoted to this node's L1";
      }
      return after.l1Hits > l1Hits ? "cache hit in L1 (this JVM's memory)" : "cache hit";
    }
  }

  private static String quote(String text) {
    return "\"" + text + "\"";
  }
}
