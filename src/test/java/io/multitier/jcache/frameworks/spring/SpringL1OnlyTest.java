package io.multitier.jcache.frameworks.spring;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/** Spring's cache abstraction on the embedded default (no Redis). */
final class SpringL1OnlyTest extends SpringCacheContract {

  private static AnnotationConfigApplicationContext context;

  @BeforeAll
  static void start() {
    context = start("classpath:frameworks/spring/l1-only.yaml");
  }

  @AfterAll
  static void stop() {
    if (context != null) {
      context.close();
    }
  }

  @Override
  AnnotationConfigApplicationContext context() {
    return context;
  }
}
