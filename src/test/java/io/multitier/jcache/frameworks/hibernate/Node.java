package io.multitier.jcache.frameworks.hibernate;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.tier.TierStatistics;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.cfg.Configuration;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.stat.Statistics;

/**
 * One application node: a Hibernate {@link SessionFactory} whose second-level cache is this
 * provider, configured the way Hibernate users do it, with the settings spelt out as they would be
 * in {@code hibernate.properties} or {@code persistence.xml}.
 */
final class Node implements AutoCloseable {

  static final String PROVIDER = "io.multitier.jcache.MultiTierCachingProvider";
  static final String BOOK_REGION = Book.class.getName();
  static final String[] REGIONS = {"authors", "author-emails", "author-books", BOOK_REGION,
      "default-query-results-region", "default-update-timestamps-region"};

  private final SessionFactory sessionFactory;

  private Node(SessionFactory sessionFactory) {
    this.sessionFactory = sessionFactory;
  }

  /**
   * Starts a node on the H2 in-memory database {@code database}.
   *
   * @param configUri the value of {@code hibernate.javax.cache.uri}, or {@code null} for the provider's default CacheManager
   * @param missingCacheStrategy {@code fail}, {@code create} or {@code create-warn}
   * @param createSchema whether this node creates the tables (the first node of a database does)
   */
  static Node start(String database, String configUri, String missingCacheStrategy, boolean createSchema) {
    Configuration configuration = new Configuration()
        .addAnnotatedClass(Author.class)
        .addAnnotatedClass(Book.class)
        .setProperty("hibernate.connection.url", "jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1")
        .setProperty("hibernate.connection.username", "sa")
        .setProperty("hibernate.connection.password", "")
        .setProperty("hibernate.hbm2ddl.auto", createSchema ? "create" : "none")
        .setProperty("hibernate.cache.use_second_level_cache", "true")
        .setProperty("hibernate.cache.use_query_cache", "true")
        .setProperty("hibernate.cache.region.factory_class", "jcache")
        .setProperty("hibernate.javax.cache.provider", PROVIDER)
        .setProperty("hibernate.javax.cache.missing_cache_strategy", missingCacheStrategy)
        .setProperty("hibernate.generate_statistics", "true");
    if (configUri != null) {
      configuration.setProperty("hibernate.javax.cache.uri", configUri);
    }
    return new Node(configuration.buildSessionFactory());
  }

  SessionFactory sessionFactory() {
    return sessionFactory;
  }

  Statistics statistics() {
    return sessionFactory.getStatistics();
  }

  /** Runs the work in a new session and transaction, commits, and returns its result. */
  <T> T read(Function<Session, T> work) {
    return sessionFactory.fromTransaction(work);
  }

  /** Runs the work in a new session and transaction, and commits. */
  void write(Consumer<Session> work) {
    sessionFactory.inTransaction(work);
  }

  /** The JCache CacheManager Hibernate got from the provider. */
  CacheManager cacheManager() {
    JCacheRegionFactory regionFactory = (JCacheRegionFactory) sessionFactory.unwrap(SessionFactoryImplementor.class)
        .getCache().getRegionFactory();
    return regionFactory.getCacheManager();
  }

  /** The JCache cache behind a region. */
  Cache<Object, Object> region(String name) {
    Cache<Object, Object> cache = cacheManager().getCache(name);
    if (cache == null) {
      throw new IllegalStateException("no cache " + name + " in " + cacheManager().getURI());
    }
    return cache;
  }

  /** The per-tier counters of a region. */
  TierStatistics tiers(String region) {
    return region(region).unwrap(TieredCache.class).tierStatistics();
  }

  /** Drops every region's content (in L2 too when tiered) and zeroes Hibernate's statistics. */
  void resetCachesAndStatistics() {
    sessionFactory.getCache().evictAllRegions();
    statistics().clear();
  }

  /** The Hibernate second-level counters, for messages. */
  String secondLevel() {
    Statistics s = statistics();
    return Map.of("hits", s.getSecondLevelCacheHitCount(), "misses", s.getSecondLevelCacheMissCount(),
        "puts", s.getSecondLevelCachePutCount()).toString();
  }

  @Override
  public void close() {
    sessionFactory.close();
  }
}
