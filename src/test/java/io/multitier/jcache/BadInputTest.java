package io.multitier.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.processor.EntryProcessorException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input gets exactly the exception JSR-107 names, with a message that says what was wrong. */
final class BadInputTest {

  private CacheManager manager;
  private Cache<String, Integer> cache;

  @BeforeEach
  void createCache() {
    manager = Caching.getCachingProvider().getCacheManager();
    cache = manager.createCache("bad-input", new MutableConfiguration<String, Integer>()
        .setTypes(String.class, Integer.class));
  }

  @AfterEach
  void destroyCache() {
    manager.destroyCache("bad-input");
  }

  @Test
  void nullKeysAndValuesAreRefusedWithTheOperationNamed() {
    assertThatThrownBy(() -> cache.get(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("null key").hasMessageContaining("get");
    assertThatThrownBy(() -> cache.put("a", null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("null value").hasMessageContaining("put");
    assertThatThrownBy(() -> cache.put(null, 1)).isInstanceOf(NullPointerException.class);
    Set<String> withNull = new HashSet<>();
    withNull.add("a");
    withNull.add(null);
    assertThatThrownBy(() -> cache.getAll(withNull)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cache.removeAll(withNull)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cache.replace("a", null, 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> cache.invoke("a", null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("entry processor");
  }

  @Test
  void aFailedPutAllWithANullValueWritesNothing() {
    Map<String, Integer> map = new java.util.HashMap<>();
    map.put("x", 1);
    map.put("y", null);
    assertThatThrownBy(() -> cache.putAll(map)).isInstanceOf(NullPointerException.class);
    assertThat(cache.containsKey("x")).isFalse();
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void wrongTypesAreRefusedWithBothTypesNamed() {
    Cache raw = cache;
    assertThatThrownBy(() -> raw.put(1, 1)).isInstanceOf(ClassCastException.class)
        .hasMessageContaining("java.lang.String").hasMessageContaining("java.lang.Integer");
    assertThatThrownBy(() -> raw.put("a", "b")).isInstanceOf(ClassCastException.class)
        .hasMessageContaining("values of type java.lang.Integer");
    assertThatThrownBy(() -> manager.getCache("bad-input", Integer.class, Integer.class))
        .isInstanceOf(ClassCastException.class);
  }

  @Test
  void aClosedCacheRefusesEveryOperation() {
    cache.close();
    assertThat(cache.isClosed()).isTrue();
    assertThatThrownBy(() -> cache.get("a")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> cache.put("a", 1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> cache.iterator()).isInstanceOf(IllegalStateException.class);
    assertThat(manager.getCache("bad-input")).isNull();
  }

  @Test
  void loaderFailuresReachTheCallerAsCacheLoaderException() {
    Cache<String, Integer> loading = manager.createCache("bad-input-loader",
        new MutableConfiguration<String, Integer>().setReadThrough(true)
            .setCacheLoaderFactory(FactoryBuilder.factoryOf(FailingLoader.class)));
    try {
      assertThatThrownBy(() -> loading.get("k")).isInstanceOf(CacheLoaderException.class)
          .hasMessageContaining("k");
      assertThat(loading.containsKey("k")).isFalse();
    } finally {
      manager.destroyCache("bad-input-loader");
    }
  }

  @Test
  void writerFailuresLeaveTheCacheUnchanged() {
    Cache<String, Integer> writing = manager.createCache("bad-input-writer",
        new MutableConfiguration<String, Integer>().setWriteThrough(true)
            .setCacheWriterFactory(FactoryBuilder.factoryOf(FailingWriter.class)));
    try {
      assertThatThrownBy(() -> writing.put("k", 1)).isInstanceOf(CacheWriterException.class);
      assertThat(writing.containsKey("k")).isFalse();
      assertThatThrownBy(() -> writing.invoke("k", (entry, args) -> {
        entry.setValue(2);
        return null;
      })).isInstanceOf(EntryProcessorException.class).hasCauseInstanceOf(CacheWriterException.class);
      assertThat(writing.containsKey("k")).isFalse();
    } finally {
      manager.destroyCache("bad-input-writer");
    }
  }

  /** A loader that always fails. */
  public static final class FailingLoader implements CacheLoader<String, Integer> {
    @Override
    public Integer load(String key) {
      throw new IllegalStateException("database down");
    }

    @Override
    public Map<String, Integer> loadAll(Iterable<? extends String> keys) {
      throw new IllegalStateException("database down");
    }
  }

  /** A writer that always fails. */
  public static final class FailingWriter implements CacheWriter<String, Integer> {
    @Override
    public void write(Cache.Entry<? extends String, ? extends Integer> entry) {
      throw new IllegalStateException("database down");
    }

    @Override
    public void writeAll(java.util.Collection<Cache.Entry<? extends String, ? extends Integer>> entries) {
      throw new IllegalStateException("database down");
    }

    @Override
    public void delete(Object key) {
      throw new IllegalStateException("database down");
    }

    @Override
    public void deleteAll(java.util.Collection<?> keys) {
      throw new IllegalStateException("database down");
    }
  }
}
