package io.multitier.jcache.frameworks.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.multitier.jcache.frameworks.spring.Book;
import io.multitier.jcache.frameworks.spring.BookService;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.health.CompositeHealth;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot 3.5 application with Actuator, configured as README says (a YAML file naming a
 * real redis-server, Boot's {@code spring.cache.jcache} properties): {@code /actuator/health} shows
 * the tiers, DOWN once Redis stops under {@code FAIL_FAST}; Boot's {@code cache.gets} and the
 * per-tier meters count, with no wiring written by the application.
 */
final class BootHealthTest {

  @Test
  void healthShowsTheTiersAndGoesDownWithRedisWhileTheMetersCount() {
    try (RedisServer redis = RedisServer.start(); ManagerFiles files = new ManagerFiles()) {
      Path file = files.write("multitier.yaml", "redis:\n  address: " + redis.address() + "\n  keyPrefix: \"boot:\"\n"
          + "caches:\n"
          + "  books: {keyType: java.lang.Object, valueType: java.lang.Object,"
          + " allowedClasses: [\"" + Book.class.getName() + "\", \"org.springframework.cache.support.NullValue\"]}\n"
          + "  prices: {degradation: SERVE_LOCAL}\n");
      try (ConfigurableApplicationContext context = new SpringApplicationBuilder(BootApplication.class)
          .web(WebApplicationType.NONE)
          .properties(Map.of(
              "spring.cache.jcache.provider", "io.multitier.jcache.MultiTierCachingProvider",
              "spring.cache.jcache.config", file.toUri().toString(),
              "management.endpoint.health.show-details", "always"))
          .run()) {
        HealthEndpoint endpoint = context.getBean(HealthEndpoint.class);
        HealthComponent tiers = component(endpoint, "multiTierCache");
        assertThat(tiers.getStatus()).isEqualTo(Status.UP);
        assertThat(tiers.toString()).contains("books").contains("L2 redis").contains("UP: PING answered");

        BookService books = context.getBean(BookService.class);
        books.find(1);
        books.find(1);
        books.find(1);
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        assertThat(registry.get("cache.gets").tag("cache", "books").tag("result", "hit").functionCounter().count())
            .as("Boot's cache.gets hits, from JCache statistics").isEqualTo(2);
        assertThat(registry.get("multitier.cache.l1.hits").tag("cache", "books").functionCounter().count())
            .as("per-tier meter").isPositive();
        assertThat(registry.get("multitier.cache.tier.up").tag("cache", "books").tag("tier", "L2 redis").gauge().value())
            .isEqualTo(1);

        redis.kill();
        HealthComponent down = component(endpoint, "multiTierCache");
        assertThat(down.getStatus()).as("a FAIL_FAST cache without its Redis").isEqualTo(Status.DOWN);
        assertThat(down.toString()).contains("L2 redis=DOWN: PING")
            .contains("FAIL_FAST").contains("SERVE_LOCAL").contains("serving");
        assertThat(endpoint.health().getStatus()).as("the application's health").isEqualTo(Status.DOWN);
      }
    }
  }

  private static HealthComponent component(HealthEndpoint endpoint, String name) {
    HealthComponent health = endpoint.health();
    assertThat(health).isInstanceOf(CompositeHealth.class);
    return ((CompositeHealth) health).getComponents().get(name);
  }
}
