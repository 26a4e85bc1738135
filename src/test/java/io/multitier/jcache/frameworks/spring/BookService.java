package io.multitier.jcache.frameworks.spring;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;

/** A service cached with Spring's own annotations; its "database" is a map, and it counts the calls that reach it. */
public class BookService {

  private final Map<Long, Book> database = new ConcurrentHashMap<>();
  private final AtomicInteger loads = new AtomicInteger();

  public BookService() {
    database.put(1L, new Book(1, "Notes"));
    database.put(2L, new Book(2, "Engines"));
  }

  /** A missing book is cached too, as Spring's NullValue. */
  @Cacheable("books")
  public Book find(long id) {
    loads.incrementAndGet();
    return database.get(id);
  }

  /** {@code sync = true}: Spring loads through {@code Cache.get(key, loader)}, which JCacheCache runs as an EntryProcessor. */
  @Cacheable(cacheNames = "books-by-title", sync = true)
  public Book findByTitle(String title) {
    loads.incrementAndGet();
    return database.values().stream().filter(b -> b.title().equals(title)).findFirst().orElse(null);
  }

  @CachePut(cacheNames = "books", key = "#p0.id()")
  public Book save(Book book) {
    database.put(book.id(), book);
    return book;
  }

  @CacheEvict("books")
  public void delete(long id) {
    database.remove(id);
  }

  @CacheEvict(cacheNames = "books", allEntries = true)
  public void reloadAll() {}

  /** Calls that reached the "database" (a method, not a field: the bean is a proxy). */
  public int loads() {
    return loads.get();
  }

  public void resetLoads() {
    loads.set(0);
  }
}
