package io.multitier.jcache.frameworks.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multitier.jcache.MultiTierCachingProvider;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hibernate's second-level cache on the embedded default (no Redis), selected with
 * {@code hibernate.javax.cache.provider}, configured by the file {@code hibernate.javax.cache.uri}
 * names, with {@code missing_cache_strategy=fail}.
 */
final class HibernateL1OnlyTest extends SecondLevelCacheContract {

  private static Node node;

  @BeforeAll
  static void start() {
    node = Node.start("l1only", "frameworks/hibernate/l1-only.yaml", "fail", true);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Override
  Node node() {
    return node;
  }

  @Test
  void hibernateGotTheProviderAndTheFileItWasTold() {
    assertThat(node.cacheManager().getCachingProvider()).isInstanceOf(MultiTierCachingProvider.class);
    // Hibernate resolves the class-path resource itself and passes the provider its URL
    assertThat(node.cacheManager().getURI().toString()).endsWith("frameworks/hibernate/l1-only.yaml");
    assertThat(node.region(Node.BOOK_REGION).getClass().getName()).isEqualTo("io.multitier.jcache.MultiTierCache");
  }

  /**
   * A packaged application keeps its configuration file in a jar: Hibernate resolves the resource
   * to a {@code jar:file:…!/…} URL and hands the provider that URI, which must read the file there
   * (if it took the URI as a mere name, {@code missing_cache_strategy=fail} would stop Hibernate:
   * "On-the-fly creation of JCache Cache objects is not supported").
   */
  @Test
  void aConfigFileInsideAJarIsRead(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("app-config.jar");
    try (InputStream yaml = getClass().getClassLoader().getResourceAsStream("frameworks/hibernate/l1-only.yaml");
        JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("packaged/cache.yaml"));
      yaml.transferTo(out);
      out.closeEntry();
    }
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader withJar = new URLClassLoader(new URL[] {jar.toUri().toURL()}, previous)) {
      thread.setContextClassLoader(withJar);
      try (Node packaged = Node.start("l1only", "packaged/cache.yaml", "fail", false)) {
        assertThat(packaged.cacheManager().getURI().getScheme()).isEqualTo("jar");
        assertThat(packaged.cacheManager().getCacheNames()).contains(Node.REGIONS);
      }
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @Test
  void failRefusesToStartWhenTheFileLacksARegion() {
    assertThatThrownBy(() -> Node.start("l1only", "frameworks/hibernate/partial.yaml", "fail", false).close())
        .hasStackTraceContaining("On-the-fly creation of JCache Cache objects is not supported");
  }

  @Test
  void createMakesTheRegionsInTheDefaultCacheManager() {
    try (Node onDefaults = Node.start("l1only", null, "create", false)) {
      assertThat(onDefaults.cacheManager().getURI()).isEqualTo(MultiTierCachingProvider.DEFAULT_URI);
      assertThat(onDefaults.cacheManager().getCacheNames()).contains(Node.REGIONS);
      onDefaults.read(s -> s.find(Book.class, 10L));
      onDefaults.read(s -> s.find(Book.class, 10L));
      assertThat(onDefaults.statistics().getSecondLevelCacheHitCount()).isEqualTo(1);
      assertThat(onDefaults.statistics().getSecondLevelCacheMissCount()).isEqualTo(1);
    }
  }
}
