package io.multitier.jcache.demo;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** The demo's one entity, kept in Hibernate's second-level cache region "books". */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE, region = "books")
public class Book {

  @Id
  private Long id;

  private String title;

  private int price;

  protected Book() {}

  Book(Long id, String title, int price) {
    this.id = id;
    this.title = title;
    this.price = price;
  }

  String getTitle() {
    return title;
  }

  void setTitle(String title) {
    this.title = title;
  }
}
