package io.multitier.jcache.frameworks.boot;

import io.multitier.jcache.frameworks.spring.BookService;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;

/** A Spring Boot application as a user writes it: Boot's JCache support, Actuator, and one cached service; no wiring of the provider. */
@SpringBootConfiguration
@EnableAutoConfiguration(exclude = DataSourceAutoConfiguration.class)
@EnableCaching
public class BootApplication {

  @Bean
  BookService bookService() {
    return new BookService();
  }
}
