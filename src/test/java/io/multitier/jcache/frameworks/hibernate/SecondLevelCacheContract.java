package io.multitier.jcache.frameworks.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import javax.cache.configuration.CompleteConfiguration;
import org.hibernate.stat.CacheRegionStatistics;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What Hibernate's second-level cache must do with this provider, whatever its mode: the
 * subclasses run it L1-only and tiered. Every count is Hibernate's own {@link Statistics}.
 */
abstract class SecondLevelCacheContract {

  static final String ADA = "ada@example.org";
  static final String BOOKS_UNDER = "select b from Book b where b.price < :max order by b.id";

  /** The node the contract runs on. */
  abstract Node node();

  @BeforeEach
  void seed() {
    node().write(session -> {
      session.createMutationQuery("delete from Book").executeUpdate();
      session.createMutationQuery("delete from Author").executeUpdate();
    });
    // with assigned ids, persist asks the cache whether the row exists: start from an empty cache
    node().resetCachesAndStatistics();
    node().write(session -> {
      Author ada = new Author(1L, ADA, "Ada");
      Author grace = new Author(2L, "grace@example.org", "Grace");
      session.persist(ada);
      session.persist(grace);
      session.persist(new Book(10L, "Notes", new BigDecimal("25.00"), ada));
      session.persist(new Book(11L, "Engines", new BigDecimal("35.00"), ada));
      session.persist(new Book(20L, "Compilers", new BigDecimal("15.00"), grace));
    });
    node().resetCachesAndStatistics();
  }

  @Test
  void theRegionsAreTheCachesOfTheConfigurationFile() {
    for (String region : Node.REGIONS) {
      // the file sets statistics: true; a cache Hibernate created itself would have the JSR-107 default, false
      assertThat(node().region(region).getConfiguration(CompleteConfiguration.class).isStatisticsEnabled())
          .as(region).isTrue();
    }
  }

  @Test
  void anEntityIsAMissThenAHit() {
    Statistics stats = node().statistics();
    assertThat(node().read(s -> s.find(Book.class, 10L)).getTitle()).isEqualTo("Notes");
    assertThat(node().read(s -> s.find(Book.class, 10L)).getTitle()).isEqualTo("Notes");
    assertThat(node().read(s -> s.find(Book.class, 10L)).getTitle()).isEqualTo("Notes");

    CacheRegionStatistics books = stats.getDomainDataRegionStatistics(Node.BOOK_REGION);
    assertThat(books.getMissCount()).as("books: misses").isEqualTo(1);
    assertThat(books.getPutCount()).as("books: puts").isEqualTo(1);
    assertThat(books.getHitCount()).as("books: hits").isEqualTo(2);
    assertThat(stats.getSecondLevelCacheHitCount()).isEqualTo(2);
    assertThat(stats.getSecondLevelCacheMissCount()).isEqualTo(1);
    assertThat(stats.getEntityLoadCount()).as("rows read from H2").isEqualTo(1);
    report("entity", stats);
  }

  @Test
  void aCollectionIsAMissThenAHit() {
    Statistics stats = node().statistics();
    List<String> first = node().read(s -> titles(s.find(Author.class, 1L)));
    List<String> second = node().read(s -> titles(s.find(Author.class, 1L)));

    assertThat(first).containsExactly("Notes", "Engines");
    assertThat(second).isEqualTo(first);
    CacheRegionStatistics collection = stats.getDomainDataRegionStatistics("author-books");
    assertThat(collection.getMissCount()).as("author-books: misses").isEqualTo(1);
    assertThat(collection.getPutCount()).as("author-books: puts").isEqualTo(1);
    assertThat(collection.getHitCount()).as("author-books: hits").isEqualTo(1);
    assertThat(stats.getDomainDataRegionStatistics("authors").getHitCount()).as("authors: hits").isEqualTo(1);
    // the second time the books come from their own region, by the ids the collection entry holds
    assertThat(stats.getDomainDataRegionStatistics(Node.BOOK_REGION).getHitCount()).as("books: hits").isEqualTo(2);
    assertThat(stats.getCollectionLoadCount()).as("collections read from H2").isEqualTo(1);
    report("collection", stats);
  }

  @Test
  void aNaturalIdIsAMissThenAHit() {
    Statistics stats = node().statistics();
    Author first = node().read(s -> s.bySimpleNaturalId(Author.class).load(ADA));
    Author second = node().read(s -> s.bySimpleNaturalId(Author.class).load(ADA));

    assertThat(first.getName()).isEqualTo("Ada");
    assertThat(second.getId()).isEqualTo(1L);
    assertThat(stats.getNaturalIdCacheMissCount()).as("natural id: misses").isEqualTo(1);
    assertThat(stats.getNaturalIdCacheHitCount()).as("natural id: hits").isEqualTo(1);
    assertThat(stats.getNaturalIdStatistics(Author.class.getName()).getCacheHitCount()).isEqualTo(1);
    assertThat(stats.getDomainDataRegionStatistics("authors").getHitCount()).as("authors: hits").isEqualTo(1);
    report("natural id", stats);
  }

  @Test
  void aCachedQueryIsAHitUntilItsTableChanges() {
    Statistics stats = node().statistics();
    assertThat(booksUnder(30)).containsExactly("Notes", "Compilers");
    assertThat(booksUnder(30)).containsExactly("Notes", "Compilers");
    assertThat(stats.getQueryCacheMissCount()).as("query: misses").isEqualTo(1);
    assertThat(stats.getQueryCacheHitCount()).as("query: hits").isEqualTo(1);

    node().write(s -> {
      s.find(Book.class, 10L).setPrice(new BigDecimal("40.00"));
    });
    assertThat(booksUnder(30)).as("after the update, from H2 again").containsExactly("Compilers");
    assertThat(stats.getQueryCacheHitCount()).as("query: hits").isEqualTo(1);
    assertThat(booksUnder(30)).containsExactly("Compilers");
    assertThat(stats.getQueryCacheHitCount()).as("query: hits").isEqualTo(2);
    assertThat(stats.getQueryExecutionCount()).as("queries run on H2").isEqualTo(2);
    report("query", stats);
  }

  @Test
  void anUpdateOrDeleteIsReadBackFromTheCache() {
    Statistics stats = node().statistics();
    node().read(s -> s.find(Book.class, 10L));
    node().write(s -> {
      s.find(Book.class, 10L).setTitle("Notes, 2nd ed.");
    });
    long hits = stats.getSecondLevelCacheHitCount();
    assertThat(node().read(s -> s.find(Book.class, 10L)).getTitle()).isEqualTo("Notes, 2nd ed.");
    assertThat(stats.getSecondLevelCacheHitCount()).as("the updated book came from the cache").isEqualTo(hits + 1);
    assertThat(stats.getEntityLoadCount()).as("rows read from H2").isEqualTo(1);

    node().read(s -> s.find(Book.class, 20L));
    node().write(s -> {
      s.remove(s.find(Book.class, 20L));
    });
    assertThat((Object) node().read(s -> s.find(Book.class, 20L))).isNull();
  }

  List<String> booksUnder(int max) {
    return booksUnder(node(), max);
  }

  static List<String> booksUnder(Node node, int max) {
    return node.read(s -> s.createSelectionQuery(BOOKS_UNDER, Book.class)
        .setParameter("max", new BigDecimal(max))
        .setCacheable(true)
        .getResultList()
        .stream().map(Book::getTitle).toList());
  }

  static List<String> titles(Author author) {
    return author.getBooks().stream().map(Book::getTitle).toList();
  }

  void report(String what, Statistics stats) {
    System.out.printf("[%s] %s: second-level hits=%d misses=%d puts=%d; natural-id hits=%d misses=%d;"
        + " query hits=%d misses=%d puts=%d%n", getClass().getSimpleName(), what,
        stats.getSecondLevelCacheHitCount(), stats.getSecondLevelCacheMissCount(), stats.getSecondLevelCachePutCount(),
        stats.getNaturalIdCacheHitCount(), stats.getNaturalIdCacheMissCount(),
        stats.getQueryCacheHitCount(), stats.getQueryCacheMissCount(), stats.getQueryCachePutCount());
  }
}
