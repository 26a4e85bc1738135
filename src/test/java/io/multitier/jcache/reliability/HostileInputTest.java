package io.multitier.jcache.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.copy.SerializationException;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import io.multitier.jcache.tier.EntryTooLargeException;
import io.multitier.jcache.tier.TierStatistics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad and hostile input on a tiered cache over a real redis-server: nulls and wrong types, keys
 * and values over the configured size limits, values that cannot be serialized, bytes in Redis
 * that are corrupt or were written by another program, and a serialized object of a class outside
 * the allow-list. Each is refused with a clear error and writes nothing, or, for what is read from
 * Redis, is counted in {@code corrupt.values} and treated as a miss.
 */
final class HostileInputTest {

  private static final String PREFIX = "hostile:";
  private static final String CACHES = "caches:\n"
      + "  typed:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n"
      + "    maxKeyBytes: 64\n"
      + "    maxValueBytes: 1024\n"
      + "    writeThrough: true\n"
      + "    writer: " + CountingWriter.class.getName() + "\n"
      + "  objects:\n"
      + "    codec: java\n"
      + "    allowedClasses: [\"" + Allowed.class.getName() + "\"]\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private ManagerFiles managers;
  private Cache<String, String> typed;
  private Cache<Object, Object> objects;

  @BeforeEach
  void open() {
    redis.server().call("FLUSHALL");
    CountingWriter.writes.set(0);
    Gadget.deserialized.set(false);
    managers = new ManagerFiles();
    CacheManager manager = managers.open(managers.single(redis.server().address(), PREFIX, "timeout: 3000\n") + CACHES);
    typed = manager.getCache("typed", String.class, String.class);
    objects = manager.getCache("objects");
  }

  @AfterEach
  void close() {
    managers.close();
  }

  @Test
  void nullsAndWrongTypesAreRefused() {
    assertThatThrownBy(() -> typed.put(null, "v")).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> typed.put("k", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> typed.get(null)).isInstanceOf(NullPointerException.class);
    @SuppressWarnings({"unchecked", "rawtypes"})
    Cache<Object, Object> raw = (Cache) typed;
    assertThatThrownBy(() -> raw.put(42, "v")).isInstanceOf(ClassCastException.class);
    assertThatThrownBy(() -> raw.put("k", 42)).isInstanceOf(ClassCastException.class);
    assertNothingWritten();
  }

  @Test
  void oversizedKeysAndValuesAreRefusedBeforeAnythingIsWritten() {
    String longKey = "k".repeat(63);           // "s:" + 63 chars = 65 bytes > 64
    String bigValue = "v".repeat(2000);        // serialized: over 1024 bytes
    TierStatistics tiers = tiers(typed);

    assertThatThrownBy(() -> typed.put(longKey, "v")).isInstanceOf(EntryTooLargeException.class)
        .hasMessageContaining("65 bytes").hasMessageContaining("maxKeyBytes");
    assertThatThrownBy(() -> typed.put("k", bigValue)).isInstanceOf(EntryTooLargeException.class)
        .hasMessageContaining("maxValueBytes").hasMessageContaining("nothing was written");
    assertThatThrownBy(() -> typed.getAndPut("k", bigValue)).isInstanceOf(EntryTooLargeException.class);
    assertThatThrownBy(() -> typed.putIfAbsent("k", bigValue)).isInstanceOf(EntryTooLargeException.class);
    Map<String, String> batch = new HashMap<>(Map.of("a", "1", "b", bigValue, "c", "3"));
    assertThatThrownBy(() -> typed.putAll(batch)).isInstanceOf(EntryTooLargeException.class);
    assertNothingWritten();

    typed.put("k", "small");
    int writes = CountingWriter.writes.get();
    assertThatThrownBy(() -> typed.replace("k", bigValue)).isInstanceOf(EntryTooLargeException.class);
    assertThatThrownBy(() -> typed.replace("k", "small", bigValue)).isInstanceOf(EntryTooLargeException.class);
    assertThatThrownBy(() -> typed.getAndReplace("k", bigValue)).isInstanceOf(EntryTooLargeException.class);
    assertThatThrownBy(() -> typed.invoke("k", (entry, args) -> {
      entry.setValue(bigValue);
      return null;
    })).isInstanceOf(EntryTooLargeException.class);
    assertThat(typed.get("k")).isEqualTo("small");
    assertThat(CountingWriter.writes.get()).as("the writer saw none of the refused entries").isEqualTo(writes);
    assertThat(tiers.rejectedEntries()).isGreaterThanOrEqualTo(9);
    // at the limit exactly is fine
    String longest = "k".repeat(62);
    typed.put(longest, "v");
    assertThat(typed.get(longest)).isEqualTo("v");
  }

  @Test
  void anUnserializableValueIsRefusedWithAClearError() {
    List<Object> unserializable = new ArrayList<>();
    unserializable.add(new Object());
    assertThatThrownBy(() -> objects.put("k", unserializable)).isInstanceOf(SerializationException.class)
        .hasMessageContaining("java.lang.Object").hasMessageContaining("Serializable");
    assertThat(objects.containsKey("k")).isFalse();
    assertThat(redis.server().call("DBSIZE")).isEqualTo(0L);
  }

  @Test
  void corruptBytesAndBytesOfAnotherProgramAreCountedMisses() {
    typed.put("good", "fine");
    TierStatistics tiers = tiers(typed);
    setRaw("typed", "s:garbage", new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5, 0x73, 0x72, 1, 2, 3});
    setRaw("typed", "s:json", "{\"id\": 7, \"name\": \"written by another program\"}".getBytes(UTF_8));
    setRaw("typed", "s:empty", new byte[0]);
    redis.server().callBytes("SET".getBytes(UTF_8), (PREFIX + "{typed}:not-our-key-format").getBytes(UTF_8), new byte[] {1});

    assertThat(typed.get("garbage")).isNull();
    assertThat(typed.get("json")).isNull();
    assertThat(typed.get("empty")).isNull();
    assertThat(typed.containsKey("json")).isFalse();
    assertThat(typed.getAll(Set.of("good", "garbage", "json"))).containsOnly(Map.entry("good", "fine"));
    assertThat(tiers.corruptValues()).isGreaterThanOrEqualTo(6);
    // iteration skips what it cannot read (and counts it), and never throws
    List<String> keys = new ArrayList<>();
    typed.forEach(entry -> keys.add(entry.getKey()));
    assertThat(keys).containsExactly("good");
    // and a write over a corrupt entry replaces it
    assertThat(typed.putIfAbsent("json", "mine")).isTrue();
    assertThat(typed.get("json")).isEqualTo("mine");
    assertThat(typed.getAndPut("garbage", "fixed")).isNull();
    assertThat(typed.get("garbage")).isEqualTo("fixed");
  }

  @Test
  void aSerializedObjectOfAClassOutsideTheAllowListIsRefusedUnread() throws IOException {
    objects.put("allowed", new Allowed("ok"));
    assertThat(objects.get("allowed")).isEqualTo(new Allowed("ok"));

    setRaw("objects", "s:gadget", serialize(new Gadget()));
    setRaw("objects", "s:nested", serialize(new ArrayList<>(List.of("innocent", new Gadget()))));
    TierStatistics tiers = tiers(objects);
    long corrupt = tiers.corruptValues();

    assertThat(objects.get("gadget")).isNull();
    assertThat(objects.get("nested")).isNull();
    assertThat(Gadget.deserialized).as("the refused class's readObject never ran").isFalse();
    assertThat(tiers.corruptValues()).isEqualTo(corrupt + 2);
  }

  private void assertNothingWritten() {
    assertThat(redis.server().call("DBSIZE")).as("keys in Redis").isEqualTo(0L);
    assertThat(CountingWriter.writes.get()).as("CacheWriter calls").isZero();
    assertThat(typed.iterator().hasNext()).isFalse();
  }

  private static void setRaw(String cache, String encodedKey, byte[] value) {
    redis.server().callBytes("SET".getBytes(UTF_8), (PREFIX + "{" + cache + "}:" + encodedKey).getBytes(UTF_8), value);
  }

  private static byte[] serialize(Object object) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(object);
    }
    return bytes.toByteArray();
  }

  private static TierStatistics tiers(Cache<?, ?> cache) {
    return cache.unwrap(TieredCache.class).tierStatistics();
  }

  /** A class on the allow-list. */
  record Allowed(String name) implements Serializable {}

  /** A class outside the allow-list that would act if it were ever deserialized. */
  static final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicBoolean deserialized = new AtomicBoolean();

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      deserialized.set(true);
      in.defaultReadObject();
    }
  }

  /** Counts what it is asked to write. */
  public static final class CountingWriter implements CacheWriter<String, String> {
    static final AtomicInteger writes = new AtomicInteger();

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      writes.incrementAndGet();
    }

    @Override
    public void writeAll(java.util.Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      writes.addAndGet(entries.size());
      entries.clear();
    }

    @Override
    public void delete(Object key) {}

    @Override
    public void deleteAll(java.util.Collection<?> keys) {
      keys.clear();
    }
  }
}
