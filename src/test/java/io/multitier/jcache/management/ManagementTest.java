package io.multitier.jcache.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.management.CacheStatisticsMXBean;
import javax.cache.spi.CachingProvider;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JSR-107 MXBeans: where they are registered, for any cache name, and when they go away. */
final class ManagementTest {

  private static final String MANAGER = "management-test";
  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

  private CacheManager manager;

  @BeforeEach
  void openManager() {
    CachingProvider provider = Caching.getCachingProvider();
    manager = provider.getCacheManager(URI.create(MANAGER), provider.getDefaultClassLoader());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  private Cache<String, String> managedCache(String name) {
    return manager.createCache(name, new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class).setStatisticsEnabled(true).setManagementEnabled(true));
  }

  /** The beans of one type that belong to this test's CacheManager, however their names are quoted. */
  private static Set<ObjectName> beans(String type) throws Exception {
    Set<ObjectName> ours = new HashSet<>();
    for (ObjectName name : SERVER.queryNames(new ObjectName("javax.cache:type=" + type + ",*"), null)) {
      if (MANAGER.equals(unquote(name.getKeyProperty("CacheManager")))) {
        ours.add(name);
      }
    }
    return ours;
  }

  private static String unquote(String value) {
    return (value != null && value.startsWith("\"")) ? ObjectName.unquote(value) : value;
  }

  private static ObjectName plainName(String type, String cache) throws Exception {
    return new ObjectName("javax.cache:type=" + type + ",CacheManager=" + MANAGER + ",Cache=" + cache);
  }

  @Test
  void statisticsAndConfigurationBeansAreRegisteredUnderTheStandardNames() throws Exception {
    managedCache("plain");
    ObjectName statistics = plainName("CacheStatistics", "plain");
    ObjectName configuration = plainName("CacheConfiguration", "plain");

    assertThat(SERVER.isRegistered(statistics)).isTrue();
    assertThat(SERVER.isRegistered(configuration)).isTrue();
    assertThat(SERVER.getAttribute(configuration, "KeyType")).isEqualTo("java.lang.String");
    assertThat(SERVER.getAttribute(configuration, "StatisticsEnabled")).isEqualTo(true);
    assertThat(SERVER.getAttribute(statistics, "CacheHits")).isEqualTo(0L);
  }

  @Test
  void aHibernateRegionNameIsRegisteredAsItIs() throws Exception {
    managedCache("org.example.Entity$Inner#region");
    assertThat(SERVER.isRegistered(plainName("CacheStatistics", "org.example.Entity$Inner#region")))
        .isTrue();
  }

  @Test
  void everyAwkwardCacheNameGetsAnMXBeanOfItsOwnWithoutWarnings() throws Exception {
    List<String> names = List.of("org.example.Entity$Inner#region", "with,comma", "with:colon",
        "with=equals", "with*star", "with?question", "with\"quote", "with\\backslash",
        "with\nnewline", " with spaces ", "a,b", "a.b", "a:b", "*", "\"quoted\"", "k=v,x=y", "?");
    Set<ObjectName> statisticsBefore = beans("CacheStatistics");
    assertThat(statisticsBefore).isEmpty();

    PrintStream originalErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<Cache<String, String>> caches = new ArrayList<>();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      for (int i = 0; i < names.size(); i++) {
        Cache<String, String> cache = managedCache(names.get(i));
        caches.add(cache);
        for (int puts = 0; puts <= i; puts++) {
          cache.put("k" + puts, "v");
        }
      }
    } finally {
      System.setErr(originalErr);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("WARN").doesNotContain("ERROR");

    Set<ObjectName> statistics = beans("CacheStatistics");
    assertThat(statistics).hasSize(names.size());
    assertThat(beans("CacheConfiguration")).hasSize(names.size());
    // cache i had i + 1 puts: each count is found on exactly one bean, so no two caches share one
    List<Long> puts = new ArrayList<>();
    for (ObjectName name : statistics) {
      puts.add(JMX.newMXBeanProxy(SERVER, name, CacheStatisticsMXBean.class).getCachePuts());
      String cacheProperty = unquote(name.getKeyProperty("Cache"));
      assertThat(names.contains(cacheProperty)
          || names.stream().anyMatch(n -> n.replaceAll(",|:|=|\n", ".").equals(cacheProperty)))
          .as("%s names one of the caches", name).isTrue();
    }
    List<Long> expected = new ArrayList<>();
    for (long i = 1; i <= names.size(); i++) {
      expected.add(i);
    }
    assertThat(puts).containsExactlyInAnyOrderElementsOf(expected);

    for (String name : names) {
      manager.destroyCache(name);
    }
    assertThat(beans("CacheStatistics")).isEmpty();
    assertThat(beans("CacheConfiguration")).isEmpty();
  }

  @Test
  void turningStatisticsAndManagementOffUnregistersTheirBeansAndOnRegistersThemAgain()
      throws Exception {
    managedCache("toggled");
    ObjectName statistics = plainName("CacheStatistics", "toggled");
    ObjectName configuration = plainName("CacheConfiguration", "toggled");

    manager.enableStatistics("toggled", false);
    assertThat(SERVER.isRegistered(statistics)).isFalse();
    assertThat(SERVER.isRegistered(configuration)).isTrue();
    assertThat(SERVER.getAttribute(configuration, "StatisticsEnabled")).isEqualTo(false);

    manager.enableManagement("toggled", false);
    assertThat(SERVER.isRegistered(configuration)).isFalse();

    manager.enableStatistics("toggled", true);
    manager.enableManagement("toggled", true);
    assertThat(SERVER.isRegistered(statistics)).isTrue();
    assertThat(SERVER.isRegistered(configuration)).isTrue();
  }

  @Test
  void destroyingOrClosingACacheUnregistersItsBeans() throws Exception {
    managedCache("destroyed");
    Cache<String, String> closed = managedCache("closed");
    assertThat(beans("CacheStatistics")).hasSize(2);

    manager.destroyCache("destroyed");
    assertThat(SERVER.isRegistered(plainName("CacheStatistics", "destroyed"))).isFalse();
    assertThat(SERVER.isRegistered(plainName("CacheConfiguration", "destroyed"))).isFalse();

    closed.close();
    assertThat(beans("CacheStatistics")).isEmpty();
    assertThat(beans("CacheConfiguration")).isEmpty();
  }

  @Test
  void closingTheCacheManagerUnregistersEveryBeanOfIt() throws Exception {
    managedCache("one");
    managedCache("two");
    assertThat(beans("CacheConfiguration")).hasSize(2);

    manager.close();

    assertThat(beans("CacheStatistics")).isEmpty();
    assertThat(beans("CacheConfiguration")).isEmpty();
  }

  @Test
  void aCacheCreatedWithoutManagementHasNoBeans() throws Exception {
    manager.createCache("quiet", new MutableConfiguration<String, String>());
    assertThat(beans("CacheStatistics")).isEmpty();
    assertThat(beans("CacheConfiguration")).isEmpty();
  }
}
