package io.multitier.jcache.frameworks.boot;

import io.multitier.jcache.frameworks.spring.BookService;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A Spring Boot application that has its own {@code RedissonClient} bean (as Redisson's Spring Boot
 * starter would give it), Boot's JCache support and one cached service; no wiring of the provider.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(exclude = DataSourceAutoConfiguration.class)
@EnableCaching
public class ApplicationClientBootApplication {

  /** The name each connection of the application's client gives itself ({@code CLIENT SETNAME}). */
  static final String CLIENT_NAME = "boot-application";

  @Bean
  BookService bookService() {
    return new BookService();
  }

  /** The application's client, shut down by the context when it closes. */
  @Bean(destroyMethod = "shutdown")
  RedissonClient redissonClient(Environment environment) {
    Config config = new Config();
    config.useSingleServer().setAddress(environment.getRequiredProperty("app.redis.address")).setClientName(CLIENT_NAME);
    return Redisson.create(config);
  }
}
