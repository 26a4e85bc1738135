package io.multitier.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.awaitility.Awaitility.await;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.testing.ManualExecutor;
import io.multitier.jcache.testing.RecordingListener;
import java.io.Closeable;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryListener;
import javax.cache.integration.CompletionListenerFuture;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Closing and destroying caches, CacheManagers and providers, and CacheManagers per class loader. */
final class LifecycleTest {

  private static final URI URI_ = URI.create("lifecycle-test");

  private final CachingProvider provider = Caching.getCachingProvider();
  private final ClassLoader loaderA = new URLClassLoader(new URL[0], getClass().getClassLoader());
  private final ClassLoader loaderB = new URLClassLoader(new URL[0], getClass().getClassLoader());
  private CacheManager manager;

  @BeforeEach
  void openManager() {
    manager = provider.getCacheManager(URI_, provider.getDefaultClassLoader());
  }

  @AfterEach
  void closeEverythingThisClassOpened() {
    manager.close();
    provider.close(loaderA);
    provider.close(loaderB);
  }

  private Cache<String, String> cache(CacheManager owner, String name) {
    return owner.createCache(name, new MutableConfiguration<String, String>()
        .setTypes(String.class, String.class));
  }

  @Test
  void closingACacheClosesThatCacheOnlyAndTheManagerForgetsIt() {
    Cache<String, String> closed = cache(manager, "closed");
    Cache<String, String> open = cache(manager, "open");
    closed.put("k", "v");

    closed.close();
    closed.close();

    assertThat(closed.isClosed()).isTrue();
    assertThatThrownBy(() -> closed.get("k")).isInstanceOf(IllegalStateException.class);
    assertThat(manager.getCache("closed")).isNull();
    assertThat(manager.getCacheNames()).containsExactly("open");
    open.put("k", "v");
    assertThat(open.get("k")).isEqualTo("v");
    Cache<String, String> again = cache(manager, "closed");
    assertThat(again.isClosed()).isFalse();
    assertThat(again).isNotSameAs(closed);
  }

  @Test
  void destroyingACacheDropsItsEntriesAndClosesIt() {
    Cache<String, String> cache = cache(manager, "destroyed");
    cache.put("k", "v");

    manager.destroyCache("destroyed");

    assertThat(cache.isClosed()).isTrue();
    assertThatThrownBy(() -> cache.put("k", "v")).isInstanceOf(IllegalStateException.class);
    assertThat(manager.getCache("destroyed")).isNull();
    assertThat(manager.getCacheNames()).doesNotContain("destroyed");
    Cache<String, String> recreated = cache(manager, "destroyed");
    assertThat(recreated.containsKey("k")).isFalse();
    assertThat(recreated.iterator().hasNext()).isFalse();
  }

  @Test
  void closingACacheManagerClosesItsCachesAndItRefusesWorkAfterwards() {
    Cache<String, String> one = cache(manager, "one");
    Cache<String, String> two = cache(manager, "two");

    manager.close();
    manager.close();

    assertThat(manager.isClosed()).isTrue();
    assertThat(one.isClosed()).isTrue();
    assertThat(two.isClosed()).isTrue();
    assertThatThrownBy(() -> manager.getCache("one")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> cache(manager, "three")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> manager.getCacheNames()).isInstanceOf(IllegalStateException.class);

    CacheManager fresh = provider.getCacheManager(URI_, provider.getDefaultClassLoader());
    assertThat(fresh).isNotSameAs(manager);
    assertThat(fresh.isClosed()).isFalse();
    assertThat(fresh.getCacheNames()).isEmpty();
    manager = fresh;
  }

  @Test
  void closingTheProviderClosesEveryCacheManagerItMade() {
    // a provider of our own: closing the shared one would close other test classes' managers
    CachingProvider own = Caching.getCachingProvider(loaderA);
    assertThat(own).isInstanceOf(MultiTierCachingProvider.class).isNotSameAs(provider);
    CacheManager first = own.getCacheManager(URI_, loaderA);
    CacheManager second = own.getCacheManager(URI.create("lifecycle-test-2"), loaderB);
    Cache<String, String> cache = cache(first, "c");

    own.close();

    assertThat(first.isClosed()).isTrue();
    assertThat(second.isClosed()).isTrue();
    assertThat(cache.isClosed()).isTrue();
    assertThat(manager.isClosed()).as("another provider's manager").isFalse();
    CacheManager reopened = own.getCacheManager(URI_, loaderA);
    assertThat(reopened).isNotSameAs(first);
    assertThat(reopened.isClosed()).isFalse();
    reopened.close();
  }

  @Test
  void twoClassLoadersGetTwoCacheManagersForTheSameUri() {
    CacheManager a = provider.getCacheManager(URI_, loaderA);
    CacheManager b = provider.getCacheManager(URI_, loaderB);

    assertThat(a).isNotSameAs(b);
    assertThat(provider.getCacheManager(URI_, loaderA)).isSameAs(a);
    assertThat(a.getClassLoader()).isSameAs(loaderA);
    assertThat(b.getClassLoader()).isSameAs(loaderB);
    assertThat(a.getURI()).isEqualTo(b.getURI());

    cache(a, "shared-name").put("k", "from a");
    cache(b, "shared-name").put("k", "from b");
    assertThat(a.<String, String>getCache("shared-name").get("k")).isEqualTo("from a");
    assertThat(b.<String, String>getCache("shared-name").get("k")).isEqualTo("from b");

    provider.close(URI_, loaderA);
    assertThat(a.isClosed()).isTrue();
    assertThat(b.isClosed()).isFalse();
  }

  @Test
  void closingACacheClosesItsCloseableLoaderWriterExpiryPolicyAndListeners() {
    List<String> closed = new CopyOnWriteArrayList<>();
    Factory<CacheLoader<String, String>> loader = () -> new ClosingLoader("loader", closed);
    Factory<CacheWriter<? super String, ? super String>> writer =
        () -> new ClosingWriter("writer", closed);
    Factory<ExpiryPolicy> expiry = () -> new ClosingExpiry("expiry", closed);
    Factory<CacheEntryListener<? super String, ? super String>> listener =
        () -> new ClosingListener("listener", closed);
    MutableConfiguration<String, String> config = new MutableConfiguration<String, String>()
        .setCacheLoaderFactory(loader).setReadThrough(true)
        .setCacheWriterFactory(writer).setWriteThrough(true)
        .setExpiryPolicyFactory(expiry)
        .addCacheEntryListenerConfiguration(
            new MutableCacheEntryListenerConfiguration<>(listener, null, false, true));
    Cache<String, String> cache = manager.createCache("closeables", config);
    assertThat(cache.get("k")).isEqualTo("loaded k");
    assertThat(closed).isEmpty();

    cache.close();

    assertThat(closed).containsExactlyInAnyOrder("loader", "writer", "expiry", "listener");
  }

  @Test
  void aListenerRegisteredOnAClosedCacheIsRefused() {
    Cache<String, String> cache = cache(manager, "closed-listener");
    cache.close();
    assertThatThrownBy(() -> cache.registerCacheEntryListener(
        new RecordingListener<String, String>().configuration(true)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aLoadAllThatRunsAfterCloseDoesNotUseTheClosedLoader() {
    List<String> events = new CopyOnWriteArrayList<>();
    ManualExecutor later = new ManualExecutor();
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<String, String>()
        .setExecutor(later);
    config.setCacheLoaderFactory(() -> new ClosingLoader("loader", events));
    Cache<String, String> cache = manager.createCache("load-after-close", config);
    CompletionListenerFuture done = new CompletionListenerFuture();
    cache.loadAll(Set.of("k"), true, done);

    cache.close();
    later.runAll();

    assertThat(events).containsExactly("loader");
    assertThatThrownBy(() -> done.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void closeWaitsForARunningLoadAllBeforeItClosesTheLoader() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      MultiTierConfiguration<String, String> config = new MultiTierConfiguration<String, String>()
          .setExecutor(pool);
      config.setCacheLoaderFactory(() -> new ClosingLoader("loader closed", events) {
        @Override
        public Map<String, String> loadAll(Iterable<? extends String> keys) {
          loading.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          events.add("load finished");
          return Map.of("k", "v");
        }
      });
      Cache<String, String> cache = manager.createCache("close-during-load", config);
      CompletionListenerFuture done = new CompletionListenerFuture();
      cache.loadAll(Set.of("k"), true, done);
      assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();

      Thread closer = new Thread(cache::close, "closer");
      closer.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
      assertThat(events).as("the loader is still in use").isEmpty();

      release.countDown();
      closer.join(30_000);
      assertThat(closer.isAlive()).isFalse();
      assertThat(events).containsExactly("load finished", "loader closed");
      done.get(10, TimeUnit.SECONDS);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  /** A loader that records its closing. */
  private static class ClosingLoader implements CacheLoader<String, String>, Closeable {
    private final String name;
    private final List<String> closed;

    ClosingLoader(String name, List<String> closed) {
      this.name = name;
      this.closed = closed;
    }

    @Override
    public String load(String key) {
      return "loaded " + key;
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      return Map.of();
    }

    @Override
    public void close() {
      closed.add(name);
    }
  }

  /** A writer that records its closing. */
  private record ClosingWriter(String name, List<String> closed)
      implements CacheWriter<String, String>, Closeable {
    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {}

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {}

    @Override
    public void delete(Object key) {}

    @Override
    public void deleteAll(Collection<?> keys) {}

    @Override
    public void close() {
      closed.add(name);
    }
  }

  /** An eternal expiry policy that records its closing. */
  private record ClosingExpiry(String name, List<String> closed) implements ExpiryPolicy, Closeable {
    @Override
    public javax.cache.expiry.Duration getExpiryForCreation() {
      return new EternalExpiryPolicy().getExpiryForCreation();
    }

    @Override
    public javax.cache.expiry.Duration getExpiryForAccess() {
      return null;
    }

    @Override
    public javax.cache.expiry.Duration getExpiryForUpdate() {
      return null;
    }

    @Override
    public void close() {
      closed.add(name);
    }
  }

  /** A created-listener that records its closing. */
  private record ClosingListener(String name, List<String> closed)
      implements javax.cache.event.CacheEntryCreatedListener<String, String>, Closeable {
    @Override
    public void onCreated(Iterable<javax.cache.event.CacheEntryEvent<? extends String, ? extends String>> events) {}

    @Override
    public void close() {
      closed.add(name);
    }
  }
}
