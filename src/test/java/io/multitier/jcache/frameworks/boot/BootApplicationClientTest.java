package io.multitier.jcache.frameworks.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.MultiTierCachingProvider;
import io.multitier.jcache.frameworks.spring.Book;
import io.multitier.jcache.frameworks.spring.BookService;
import io.multitier.jcache.testing.CapturedStderr;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.task.AsyncTaskExecutor;

/**
 * A Spring Boot 3.5 application with {@code spring.threads.virtual.enabled=true} and a
 * {@code RedissonClient} bean of its own: Boot's JCache auto-configuration builds our CacheManager
 * with that client handed over, so Redis sees one client (every connection carries its name),
 * and the cache through Spring's abstraction, used from the tasks of Boot's executor (virtual
 * threads on JDK 21 and later; platform threads on 17, where Boot ignores the setting), is tiered.
 */
final class BootApplicationClientTest {

  private static final int TASKS = 200;
  private static final int BOOKS = 2;

  @Test
  void bootHandsTheApplicationsClientToTheCacheManagerAndRedisSeesOnlyThatClient() throws Exception {
    try (RedisServer redis = RedisServer.start(); ManagerFiles files = new ManagerFiles();
        CapturedStderr log = CapturedStderr.start()) {
      Path file = files.write("multitier.yaml", "redis:\n  keyPrefix: \"boot-handed:\"\n"
          + "caches:\n"
          + "  books: {keyType: java.lang.Object, valueType: java.lang.Object,"
          + " allowedClasses: [\"" + Book.class.getName() + "\", \"org.springframework.cache.support.NullValue\"]}\n");
      RedissonClient client;
      CacheManager manager;
      try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ApplicationClientBootApplication.class)
          .web(WebApplicationType.NONE)
          .properties(Map.of(
              "spring.threads.virtual.enabled", "true",
              "spring.cache.jcache.provider", MultiTierCachingProvider.class.getName(),
              "spring.cache.jcache.config", file.toUri().toString(),
              "app.redis.address", redis.address()))
          .run()) {
        client = context.getBean(RedissonClient.class);
        manager = context.getBean(CacheManager.class);
        assertThat(manager.getProperties().get(MultiTierCachingProvider.REDISSON_CLIENT))
            .as("the client Boot handed to the CacheManager").isSameAs(client);

        BookService books = context.getBean(BookService.class);
        AsyncTaskExecutor executor = context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class);
        boolean virtual = Runtime.version().feature() >= 21;
        for (long id = 1; id <= BOOKS; id++) {
          long book = id;
          assertThat(executor.submit(() -> books.find(book).id()).get(30, TimeUnit.SECONDS)).isEqualTo(book);
        }
        List<Future<Boolean>> tasks = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
          long id = 1 + i % BOOKS;
          tasks.add(executor.submit(() -> {
            assertThat(books.find(id).id()).isEqualTo(id);
            return isVirtual(Thread.currentThread());
          }));
        }
        for (Future<Boolean> task : tasks) {
          assertThat(task.get(30, TimeUnit.SECONDS)).as("a task on a virtual thread").isEqualTo(virtual);
        }
        assertThat(books.loads()).as("each book loaded once, then read from the cache").isEqualTo(BOOKS);

        assertThat((List<?>) redis.call("KEYS", "boot-handed:{books}:*")).as("the tier in Redis holds the books")
            .hasSize(BOOKS);
        assertThat(otherConnections(redis)).as("connections that are not the application's client's").isEmpty();
        assertThat(log.lines("INFO io.multitier.jcache")).anySatisfy(line -> assertThat(line)
            .contains("through the application's RedissonClient").contains("tiered caches: books"));
      }
      assertThat(manager.isClosed()).isTrue();
      assertThat(client.isShutdown()).as("the application context shuts its own client down").isTrue();
      assertThat(log.lines("WARN io.multitier")).as("warnings of the provider").isEmpty();
      assertThat(log.lines("ERROR")).isEmpty();
    }
  }

  /** Returns the server's connections not named as the application's client, this CLIENT LIST's own aside. */
  private static List<String> otherConnections(RedisServer redis) {
    return Arrays.stream(String.valueOf(redis.call("CLIENT", "LIST")).split("\n"))
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.contains("cmd=client|list"))
        .filter(line -> !line.contains(" name=" + ApplicationClientBootApplication.CLIENT_NAME + " "))
        .toList();
  }

  private static boolean isVirtual(Thread thread) {
    try {
      return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
