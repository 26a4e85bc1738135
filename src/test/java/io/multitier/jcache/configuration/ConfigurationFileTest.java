package io.multitier.jcache.configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.Duration;
import javax.cache.management.CacheStatisticsMXBean;
import javax.cache.spi.CachingProvider;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Caches declared by name in the YAML file a CacheManager's URI names. */
final class ConfigurationFileTest {

  private static final URI FILE = URI.create("classpath:multitier-test.yaml");

  private final CachingProvider provider = Caching.getCachingProvider();
  private final CacheManager manager = provider.getCacheManager(FILE, getClass().getClassLoader());

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void declaredCachesExistFromTheStartUnderTheirExactNames() {
    assertThat(manager.getCacheNames()).containsExactlyInAnyOrder(
        "org.example.User", "org.example.User#roles", "default-query-results-region$1");
    Cache<Long, String> users = manager.getCache("org.example.User", Long.class, String.class);
    users.put(42L, "Ada");
    assertThat(users.get(42L)).isEqualTo("Ada");
  }

  @Test
  void aDeclaredCacheTakesItsSettingsOverTheDefaults() {
    MultiTierConfiguration<?, ?> users = manager.getCache("org.example.User")
        .getConfiguration(MultiTierConfiguration.class);
    assertThat(users.getMaximumSize()).isEqualTo(200);
    assertThat(users.getL1MaxTtl()).isEqualTo(java.time.Duration.ofMinutes(2));
    assertThat(users.isStatisticsEnabled()).isTrue();
    assertThat(users.getKeyType()).isEqualTo(Long.class);
    assertThat(users.getExpiryPolicyFactory().create().getExpiryForCreation())
        .isEqualTo(new Duration(TimeUnit.MILLISECONDS, 30_000));

    MultiTierConfiguration<?, ?> roles = manager.getCache("org.example.User#roles")
        .getConfiguration(MultiTierConfiguration.class);
    assertThat(roles.getMaximumSize()).isEqualTo(5000);
    assertThat(roles.isStoreByValue()).isFalse();
    assertThat(roles.getExpiryPolicyFactory().create().getExpiryForAccess())
        .isEqualTo(new Duration(TimeUnit.MILLISECONDS, 600_000));

    MultiTierConfiguration<?, ?> queries = manager.getCache("default-query-results-region$1")
        .getConfiguration(MultiTierConfiguration.class);
    assertThat(queries.isTiered()).isFalse();
    assertThat(queries.getAllowedClasses()).containsExactly("org.example.**");
    assertThat(queries.getExpiryPolicyFactory().create().getExpiryForUpdate()).isEqualTo(Duration.ETERNAL);
  }

  @Test
  void aCacheCreatedInCodeGetsTheFilesVendorDefaults() {
    Cache<String, String> created = manager.createCache("made-in-code",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    MultiTierConfiguration<?, ?> config = created.getConfiguration(MultiTierConfiguration.class);
    assertThat(config.getMaximumSize()).isEqualTo(5000);
    assertThat(config.getL1MaxTtl()).isEqualTo(java.time.Duration.ofMinutes(2));
    assertThat(config.getExpiryPolicyFactory().create().getExpiryForCreation())
        .as("the JCache settings of what the cache holds come from the code").isEqualTo(Duration.ETERNAL);
  }

  @Test
  void statisticsAndManagementTurnedOnInTheFileReachCachesMadeInCode() throws Exception {
    Cache<String, String> created = manager.createCache("counted-in-code",
        new MutableConfiguration<String, String>().setTypes(String.class, String.class));
    CompleteConfiguration<?, ?> config = created.getConfiguration(CompleteConfiguration.class);
    assertThat(config.isStatisticsEnabled()).as("statistics: true under defaults").isTrue();
    created.put("k", "v");
    created.get("k");
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    Set<ObjectName> beans = server.queryNames(new ObjectName("javax.cache:type=CacheStatistics,Cache=counted-in-code,*"), null);
    assertThat(beans).hasSize(1);
    CacheStatisticsMXBean statistics = JMX.newMXBeanProxy(server, beans.iterator().next(), CacheStatisticsMXBean.class);
    assertThat(statistics.getCachePuts()).isEqualTo(1);
    assertThat(statistics.getCacheHits()).isEqualTo(1);

    ManagerSettings managed = ManagerSettings.parse("defaults:\n  management: true\ncaches:\n  quiet: {management: false}\n",
        "app.yaml", getClass().getClassLoader());
    assertThat(managed.forCreated("made-in-code", new MutableConfiguration<>()).isManagementEnabled()).isTrue();
    assertThat(managed.forCreated("made-in-code", new MutableConfiguration<>()).isStatisticsEnabled()).isFalse();
    assertThat(managed.forCreated("quiet", new MutableConfiguration<>().setManagementEnabled(true)).isManagementEnabled())
        .as("the file turns them on, never off").isTrue();
  }

  @Test
  void creatingADeclaredCacheAgainIsRefused() {
    assertThatThrownBy(() -> manager.createCache("org.example.User", new MutableConfiguration<>()))
        .isInstanceOf(CacheException.class).hasMessageContaining("org.example.User");
  }

  @Test
  void withNoFileTheBuiltInDefaultsApply() {
    CacheManager plain = provider.getCacheManager(URI.create("urn:no-file"), getClass().getClassLoader());
    try {
      Cache<Object, Object> cache = plain.createCache("plain", new MutableConfiguration<>());
      MultiTierConfiguration<?, ?> config = cache.getConfiguration(MultiTierConfiguration.class);
      assertThat(config.getMaximumSize()).isEqualTo(MultiTierConfiguration.DEFAULT_MAXIMUM_SIZE);
      assertThat(config.getL1MaxTtl()).isEqualTo(MultiTierConfiguration.DEFAULT_L1_MAX_TTL);
      assertThat(plain.getCacheNames()).containsExactly("plain");
    } finally {
      plain.close();
    }
  }

  @Test
  void aUriThatNamesNoFileReadsTheFileTheSystemPropertyNames() throws Exception {
    System.setProperty(ManagerSettings.CONFIG_PROPERTY, FILE.toString());
    try (URLClassLoader fresh = new URLClassLoader(new URL[0], getClass().getClassLoader())) {
      CacheManager byDefault = provider.getCacheManager(provider.getDefaultURI(), fresh);
      CacheManager byName = provider.getCacheManager(URI.create("urn:any-name"), fresh);
      assertThat(byDefault.getCacheNames()).contains("org.example.User");
      assertThat(byName.getCacheNames()).contains("org.example.User");
      byDefault.close();
      byName.close();
      System.setProperty(ManagerSettings.CONFIG_PROPERTY, "http://example.org/x.yaml");
      assertThatThrownBy(() -> provider.getCacheManager(URI.create("urn:other"), fresh))
          .isInstanceOf(CacheException.class).hasMessageContaining(ManagerSettings.CONFIG_PROPERTY);
    } finally {
      System.clearProperty(ManagerSettings.CONFIG_PROPERTY);
    }
  }

  @Test
  void aMissingFileIsAClearError() {
    URI missing = URI.create("classpath:no-such-file.yaml");
    assertThatThrownBy(() -> provider.getCacheManager(missing, getClass().getClassLoader()))
        .isInstanceOf(CacheException.class).hasMessageContaining("no-such-file.yaml");
  }

  @Test
  void mistakesInTheFileAreNamedWithTheirPlace() {
    ClassLoader loader = getClass().getClassLoader();
    assertThatThrownBy(() -> ManagerSettings.parse("defaults:\n  maximumSise: 10\n", "test.yaml", loader))
        .isInstanceOf(CacheException.class).hasMessageContaining("test.yaml").hasMessageContaining("maximumSise");
    assertThatThrownBy(() -> ManagerSettings.parse(
        "caches:\n  a:\n    expiry:\n      created: 5 minutes\n", "test.yaml", loader))
        .isInstanceOf(CacheException.class).hasMessageContaining("cache 'a'").hasMessageContaining("5 minutes");
    assertThatThrownBy(() -> ManagerSettings.parse(
        "caches:\n  a:\n    expiry:\n      created: 5m\n      accessed: 5m\n", "test.yaml", loader))
        .isInstanceOf(CacheException.class).hasMessageContaining("exactly one");
    assertThatThrownBy(() -> ManagerSettings.parse(
        "caches:\n  a:\n    keyType: org.example.Missing\n", "test.yaml", loader))
        .isInstanceOf(CacheException.class).hasMessageContaining("org.example.Missing");
    assertThatThrownBy(() -> ManagerSettings.parse(
        "defaults:\n  maximumSize: -1\n", "test.yaml", loader))
        .isInstanceOf(CacheException.class).hasMessageContaining("maximumSize");
  }

  @Test
  void aMisspeltSettingIsNamedWithTheSettingItResembles() {
    ClassLoader loader = getClass().getClassLoader();
    assertThatThrownBy(() -> ManagerSettings.parse("redis:\n  adress: redis://127.0.0.1:6379\n", "app.yaml", loader))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("app.yaml")
        .hasMessageContaining("unknown setting 'redis.adress' (did you mean 'redis.address'?)")
        .hasMessageNotContaining("exactly one");
    assertThatThrownBy(() -> ManagerSettings.parse(
        "caches:\n  users:\n    expiry: {create: 5m}\n", "app.yaml", loader))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("app.yaml, cache 'users'")
        .hasMessageContaining("unknown setting 'expiry.create' (did you mean 'expiry.created'?)");
    assertThatThrownBy(() -> ManagerSettings.parse("defaults:\n  allowedClass: [a]\n", "app.yaml", loader))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("app.yaml, defaults")
        .hasMessageContaining("unknown setting 'allowedClass' (did you mean 'allowedClasses'?)");
    assertThatThrownBy(() -> ManagerSettings.parse("cache:\n  users: {}\n", "app.yaml", loader))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("unknown setting 'cache' (did you mean 'caches'?)");
    assertThatThrownBy(() -> ManagerSettings.parse("defaults:\n  colour: blue\n", "app.yaml", loader))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("unknown setting 'colour'; the settings there are keyType, valueType, maximumSize");
  }

  @Test
  void anAddressWithoutItsSchemeIsAnErrorOfTheFile() {
    ClassLoader loader = getClass().getClassLoader();
    assertThatThrownBy(() -> ManagerSettings.parse("redis:\n  address: 127.0.0.1:6399\n", "app.yaml", loader))
        .isInstanceOf(CacheException.class)
        .hasMessageStartingWith("Invalid configuration in app.yaml: ")
        .hasMessageContaining("redis.address '127.0.0.1:6399'")
        .hasMessageContaining("redis://host:port")
        .hasMessageNotContaining("Cannot construct instance");
    assertThatThrownBy(() -> ManagerSettings.parse("redis:\n  address: redis://:s3cret@127.0.0.1\n", "app.yaml", loader))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("redis://:***@127.0.0.1")
        .hasMessageNotContaining("s3cret");
    assertThat(ManagerSettings.parse("redis:\n  address: rediss://user:pw@[::1]:6380\n", "app.yaml", loader).redis())
        .hasValueSatisfying(redis -> assertThat(redis.toString()).contains("rediss://user:***@[::1]:6380").doesNotContain("pw"));
  }

  @Test
  void theFileMayNameTheSharedTier() {
    ManagerSettings settings = ManagerSettings.parse(
        "redis:\n  address: redis://127.0.0.1:6390\n", "test.yaml", getClass().getClassLoader());
    assertThat(settings.redis()).hasValueSatisfying(redis ->
        assertThat(redis.address()).isEqualTo("redis://127.0.0.1:6390"));
    assertThat(ManagerSettings.empty(getClass().getClassLoader()).redis()).isEmpty();
  }

  @Test
  void theCompleteConfigurationIsVisibleThroughTheStandardInterface() {
    CompleteConfiguration<?, ?> config = manager.getCache("org.example.User")
        .getConfiguration(CompleteConfiguration.class);
    assertThat(config.getValueType()).isEqualTo(String.class);
  }
}
