package io.multitier.jcache.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheWriter;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Store-by-value keeps the cache independent of the caller's objects; store-by-reference shares
 * them. Each mutation test runs in both modes, so it shows that the check can tell them apart.
 */
final class StoreByValueTest {

  private CacheManager manager;

  @BeforeEach
  void openManager() {
    CachingProvider provider = Caching.getCachingProvider();
    manager = provider.getCacheManager(URI.create("store-by-value-test"),
        provider.getDefaultClassLoader());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  private <K, V> Cache<K, V> cache(String name, boolean byValue) {
    return manager.createCache(name, new MutableConfiguration<K, V>().setStoreByValue(byValue));
  }

  @Test
  void mutatingAValueAfterPutChangesTheCachedValueOnlyByReference() {
    Cache<String, List<String>> byValue = cache("value-after-put-v", true);
    Cache<String, List<String>> byReference = cache("value-after-put-r", false);
    for (Cache<String, List<String>> cache : List.of(byValue, byReference)) {
      List<String> value = new ArrayList<>(List.of("a"));
      cache.put("k", value);
      value.add("changed");
    }
    assertThat(byValue.get("k")).containsExactly("a");
    assertThat(byReference.get("k")).containsExactly("a", "changed");
  }

  @Test
  void mutatingWhatGetReturnedChangesTheCachedValueOnlyByReference() {
    Cache<String, List<String>> byValue = cache("value-after-get-v", true);
    Cache<String, List<String>> byReference = cache("value-after-get-r", false);
    for (Cache<String, List<String>> cache : List.of(byValue, byReference)) {
      cache.put("k", new ArrayList<>(List.of("a")));
      cache.get("k").add("changed");
      cache.getAll(Set.of("k")).get("k").add("changed too");
      cache.iterator().next().getValue().add("and again");
    }
    assertThat(byValue.get("k")).containsExactly("a");
    assertThat(byReference.get("k")).containsExactly("a", "changed", "changed too", "and again");
  }

  @Test
  void mutatingTheValueAnEntryProcessorSeesChangesNothingUnlessItIsSetByValue() {
    Cache<String, List<String>> byValue = cache("processor-v", true);
    byValue.put("k", new ArrayList<>(List.of("a")));
    byValue.invoke("k", (entry, args) -> entry.getValue().add("changed"));
    assertThat(byValue.get("k")).containsExactly("a");
    byValue.invoke("k", (entry, args) -> {
      List<String> next = entry.getValue();
      next.add("set");
      entry.setValue(next);
      return null;
    });
    assertThat(byValue.get("k")).containsExactly("a", "set");
  }

  @Test
  void mutatingADateKeyAfterPutLosesTheEntryOnlyByReference() {
    Cache<Date, String> byValue = cache("date-key-v", true);
    Cache<Date, String> byReference = cache("date-key-r", false);
    for (Cache<Date, String> cache : List.of(byValue, byReference)) {
      Date key = new Date(1_000L);
      cache.put(key, "v");
      key.setTime(2_000L);
    }
    assertThat(byValue.get(new Date(1_000L))).isEqualTo("v");
    assertThat(byValue.get(new Date(2_000L))).isNull();
    assertThat(byReference.get(new Date(1_000L))).isNull();
  }

  @Test
  void mutatingAListKeyAfterPutOrAfterIterationLosesTheEntryOnlyByReference() {
    Cache<List<String>, String> byValue = cache("list-key-v", true);
    Cache<List<String>, String> byReference = cache("list-key-r", false);
    for (Cache<List<String>, String> cache : List.of(byValue, byReference)) {
      List<String> key = new ArrayList<>(List.of("a"));
      cache.put(key, "v");
      key.add("b");
    }
    assertThat(byValue.get(List.of("a"))).isEqualTo("v");
    assertThat(byReference.get(List.of("a"))).isNull();

    byValue.iterator().next().getKey().add("from the iterator");
    assertThat(byValue.get(List.of("a"))).isEqualTo("v");
  }

  @Test
  void immutableValuesAreSharedRatherThanCopied() {
    Cache<String, Object> cache = cache("immutables", true);
    String text = new String("not interned");
    Integer number = 123_456;
    cache.put("text", text);
    cache.put("number", number);
    assertThat(cache.get("text")).isSameAs(text);
    assertThat(cache.get("number")).isSameAs(number);

    ArrayList<String> mutable = new ArrayList<>();
    cache.put("list", mutable);
    assertThat(cache.get("list")).isEqualTo(mutable).isNotSameAs(mutable);
  }

  @Test
  void aNonSerializableValueFailsByValueNamingItsClassAndStoresNothing() {
    Cache<String, Object> cache = cache("not-serializable-value", true);
    Object value = new NotSerializable();
    assertThatThrownBy(() -> cache.put("k", value)).isInstanceOf(SerializationException.class)
        .hasMessageContaining(NotSerializable.class.getName());
    assertThat(cache.containsKey("k")).isFalse();

    assertThatThrownBy(() -> cache.putIfAbsent("k", value)).isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> cache.getAndPut("k", value)).isInstanceOf(SerializationException.class);
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("fine", "ok");
    map.put("k", value);
    assertThatThrownBy(() -> cache.putAll(map)).isInstanceOf(SerializationException.class);
    assertThat(cache.containsKey("k")).isFalse();
    assertThat(cache.containsKey("fine")).as("putAll is all or nothing before it writes").isFalse();

    cache.put("k", "old");
    assertThatThrownBy(() -> cache.replace("k", value)).isInstanceOf(SerializationException.class);
    assertThat(cache.get("k")).isEqualTo("old");

    // by reference nothing is serialized
    Cache<String, Object> byReference = cache("not-serializable-value-r", false);
    byReference.put("k", value);
    assertThat(byReference.get("k")).isSameAs(value);
  }

  @Test
  void aNonSerializableKeyFailsByValueNamingItsClass() {
    Cache<Object, String> cache = cache("not-serializable-key", true);
    Object key = new NotSerializable();
    assertThatThrownBy(() -> cache.put(key, "v")).isInstanceOf(SerializationException.class)
        .hasMessageContaining(NotSerializable.class.getName());
    assertThat(cache.iterator().hasNext()).isFalse();
  }

  @Test
  void theCacheWriterIsNotCalledForAValueThatCannotBeStoredByValue() {
    MutableConfiguration<String, Object> config = new MutableConfiguration<String, Object>()
        .setStoreByValue(true).setWriteThrough(true)
        .setCacheWriterFactory((Factory<CacheWriter<? super String, ? super Object>>) () -> RECORDING_WRITER);
    Cache<String, Object> cache = manager.createCache("not-serializable-writer", config);
    RECORDING_WRITER.written.clear();

    assertThatThrownBy(() -> cache.put("k", new NotSerializable()))
        .isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> cache.invoke("k", (entry, args) -> {
      entry.setValue(new NotSerializable());
      return null;
    })).isInstanceOf(SerializationException.class);
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("fine", "ok");
    map.put("k", new NotSerializable());
    assertThatThrownBy(() -> cache.putAll(map)).isInstanceOf(SerializationException.class);

    assertThat(RECORDING_WRITER.written).isEmpty();
    assertThat(cache.containsKey("k")).isFalse();
    cache.put("k", "fine");
    assertThat(RECORDING_WRITER.written).containsExactly("k");
  }

  private static final RecordingWriter RECORDING_WRITER = new RecordingWriter();

  /** Remembers the keys written through. */
  private static final class RecordingWriter implements CacheWriter<String, Object> {
    final List<String> written = new CopyOnWriteArrayList<>();

    @Override
    public void write(Cache.Entry<? extends String, ? extends Object> entry) {
      written.add(entry.getKey());
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends Object>> entries) {
      entries.forEach(this::write);
      entries.clear();
    }

    @Override
    public void delete(Object key) {}

    @Override
    public void deleteAll(Collection<?> keys) {
      keys.clear();
    }
  }

  /** A value that Java serialization refuses. */
  private static final class NotSerializable {
    @Override
    public boolean equals(Object o) {
      return o instanceof NotSerializable;
    }

    @Override
    public int hashCode() {
      return 1;
    }
  }
}
