package io.multitier.jcache.tiered;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.copy.Codec;
import io.multitier.jcache.copy.Compression;
import io.multitier.jcache.testing.CapturedStderr;
import io.multitier.jcache.testing.ChildJvm;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import io.multitier.jcache.tier.TierStatistics;
import java.io.Serializable;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code codec} setting over a real redis-server: JVMs with {@code kryo} read each other's
 * values; a cache of another codec, corrupt bytes and a class off the allow-list are each a miss,
 * a counter and a log line; compression above the threshold; and store-by-value copies of an
 * L1-only cache go through the codec too.
 */
final class CodecTest {

  private static final String HERE = CodecTest.class.getName() + "$*";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static String file(String prefix, String codecSettings) {
    return ManagerFiles.sharedClient(redis.server(), prefix)
        + "defaults:\n  allowedClasses: [\"" + HERE + "\"]\n" + codecSettings.indent(2)
        + "caches:\n  profiles: {}\n";
  }

  @Test
  void twoJvmsWithCodecKryoReadEachOthersValues() {
    redis.server().call("FLUSHALL");
    try (ManagerFiles files = new ManagerFiles()) {
      String yaml = file("kryo-jvms:", "codec: kryo\n");
      Cache<Object, Object> here = files.open(yaml).getCache("profiles");
      try (ChildJvm child = ChildJvm.start(CodecNode.class, files.write("child.yaml", yaml).toUri().toString())) {
        here.put("a", Profile.of(1));
        assertThat(child.send("check profiles a 1")).isEqualTo("equal");
        assertThat(child.send("put profiles b 2")).isEqualTo("ok");
        assertThat(here.get("b")).isEqualTo(Profile.of(2));
        assertThat(child.send("corrupt profiles")).isEqualTo("0");
      }
      assertThat(redis.server().call("GETRANGE", "kryo-jvms:{profiles}:s:a", "0", "0")).isEqualTo("K");
      assertThat(here.unwrap(TieredCache.class).tierStatistics().corruptValues()).isZero();
    }
  }

  @Test
  void keysOfAnyTypeAndValuesCrossCacheManagersInKryosForm() {
    redis.server().call("FLUSHALL");
    try (ManagerFiles files = new ManagerFiles()) {
      Cache<Object, Object> writer = files.open(file("kryo-keys:", "codec: kryo\n")).getCache("profiles");
      Cache<Object, Object> reader = files.open(file("kryo-keys:", "codec: kryo\n")).getCache("profiles");
      ProfileKey key = new ProfileKey("eu", 7);
      writer.put(key, Profile.of(7));
      assertThat(reader.get(key)).isEqualTo(Profile.of(7));
      List<Object> keys = new ArrayList<>();
      reader.forEach(entry -> keys.add(entry.getKey()));
      assertThat(keys).containsExactly(key);
      List<?> stored = (List<?>) redis.server().call("KEYS", "kryo-keys:{profiles}:*");
      assertThat(stored).singleElement().asString().startsWith("kryo-keys:{profiles}:k:");
    }
  }

  @Test
  void aCacheOfAnotherCodecReadsAMissCountsItAndSaysSoOnce() {
    redis.server().call("FLUSHALL");
    try (ManagerFiles files = new ManagerFiles()) {
      Cache<Object, Object> kryo = files.open(file("mixed:", "codec: kryo\n")).getCache("profiles");
      Cache<Object, Object> java = files.open(file("mixed:", "codec: java\n")).getCache("profiles");
      kryo.put("k", Profile.of(1));
      java.put("j", Profile.of(2));

      try (CapturedStderr log = CapturedStderr.start()) {
        assertThat(java.get("k")).isNull();
        assertThat(java.get("k")).isNull();
        assertThat(kryo.get("j")).isNull();
        TierStatistics javaTiers = java.unwrap(TieredCache.class).tierStatistics();
        assertThat(javaTiers.corruptValues()).isEqualTo(2);
        assertThat(javaTiers.refusedClasses()).isZero();
        assertThat(kryo.unwrap(TieredCache.class).tierStatistics().corruptValues()).isEqualTo(1);
        assertThat(log.lines("WARN")).as("one line per cache and foreign codec").hasSize(2);
        assertThat(log.lines("written with codec kryo and this cache reads codec java")).singleElement().asString()
            .contains("'profiles'").contains("give every JVM sharing the cache the same codec");
        assertThat(log.lines("written with codec java and this cache reads codec kryo")).hasSize(1);
      }
      assertThat(java.getAndPut("k", Profile.of(3))).as("a write replaces the foreign value").isNull();
      assertThat(java.get("k")).isEqualTo(Profile.of(3));
    }
  }

  @Test
  void corruptBytesAndAClassOffTheAllowListAreCountedMissesWithALogLine() {
    redis.server().call("FLUSHALL");
    try (ManagerFiles files = new ManagerFiles()) {
      Cache<Object, Object> cache = files.open(ManagerFiles.sharedClient(redis.server(), "kryo-hostile:")
          + "caches:\n  profiles:\n    codec: kryo\n    allowedClasses: [\"" + Profile.class.getName() + "\", \""
          + Address.class.getName() + "\"]\n")
          .getCache("profiles");
      byte[] harmless = Codec.KRYO.forSharedTier("x", List.of(HERE), Compression.NONE, 0).serialize(new Harmless1("v"));
      String text = new String(harmless, ISO_8859_1);
      assertThat(text).contains(Harmless1.class.getName());
      setRaw("kryo-hostile:{profiles}:s:gadget", text.replace(Harmless1.class.getName(), Gadget001.class.getName()).getBytes(ISO_8859_1));
      setRaw("kryo-hostile:{profiles}:s:garbage", new byte[] {'K', 5, (byte) 0xFF, 1, 2, 3});
      setRaw("kryo-hostile:{profiles}:s:json", "{\"id\": 7}".getBytes(UTF_8));
      cache.put("good", Profile.of(1));
      TierStatistics tiers = cache.unwrap(TieredCache.class).tierStatistics();

      try (CapturedStderr log = CapturedStderr.start()) {
        assertThat(cache.get("gadget")).isNull();
        assertThat(tiers.refusedClasses()).isEqualTo(1);
        assertThat(log.lines("WARN")).singleElement().asString().contains(Gadget001.class.getName())
            .contains("add \"" + Gadget001.class.getName() + "\" (or \"io.multitier.jcache.tiered.**\" for its package) to allowedClasses")
            .contains("'profiles'");
        assertThat(Flags.gadget).as("the refused class's static initializer never ran").isFalse();

        assertThat(cache.get("garbage")).isNull();
        assertThat(cache.get("json")).isNull();
        assertThat(log.lines("WARN")).hasSize(3);
        assertThat(log.lines("no codec of this provider wrote them")).hasSize(1);
      }
      assertThat(tiers.corruptValues()).isEqualTo(3);
      assertThat(cache.getAll(Set.of("good", "gadget", "garbage", "json"))).containsOnly(Map.entry("good", Profile.of(1)));
    }
  }

  @Test
  void valuesOverTheThresholdAreCompressedAndReadByAnotherCacheManager() {
    redis.server().call("FLUSHALL");
    try (ManagerFiles files = new ManagerFiles()) {
      String settings = "codec: kryo\ncompression: deflate\ncompressAbove: 1KiB\n";
      Cache<Object, Object> writer = files.open(file("kryo-deflate:", settings)).getCache("profiles");
      Cache<Object, Object> reader = files.open(file("kryo-deflate:", "codec: kryo\n")).getCache("profiles");
      List<Profile> many = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        many.add(Profile.of(i));
      }
      writer.put("many", new ArrayList<>(many));
      writer.put("one", Profile.of(1));
      assertThat(redis.server().call("GETRANGE", "kryo-deflate:{profiles}:s:many", "0", "0")).isEqualTo("Z");
      assertThat(redis.server().call("GETRANGE", "kryo-deflate:{profiles}:s:one", "0", "0")).isEqualTo("K");
      assertThat(reader.get("many")).isEqualTo(many);
      assertThat(reader.get("one")).isEqualTo(Profile.of(1));
    }
  }

  @Test
  void storeByValueCopiesOfAnL1OnlyCacheGoThroughTheCodec() {
    CacheManager manager = Caching.getCachingProvider().getCacheManager(URI.create("codec-l1-only"),
        getClass().getClassLoader());
    try {
      Cache<String, Mutable> kryo = manager.createCache("kryo-copies",
          new MultiTierConfiguration<String, Mutable>().setCodec(Codec.KRYO));
      Cache<String, Mutable> java = manager.createCache("java-copies", new MultiTierConfiguration<String, Mutable>());
      Mutable value = new Mutable(new ArrayList<>(List.of("a")));
      kryo.put("k", value);
      value.items.add("changed");
      kryo.get("k").items.add("changed too");
      assertThat(kryo.get("k").items).as("a copy in and a copy out").containsExactly("a");
      assertThatThrownBy(() -> java.put("k", value)).as("Java serialization cannot copy what Kryo can")
          .isInstanceOf(CacheException.class).hasMessageContaining("not Serializable");
    } finally {
      manager.close();
    }
  }

  @Test
  void aTieredCacheThatNamesNoCodecStoresKryoAndCodecJavaKeepsJavaSerialization() {
    redis.server().call("FLUSHALL");
    try (ManagerFiles files = new ManagerFiles()) {
      Cache<Object, Object> byDefault = files.open(file("default-codec:", "")).getCache("profiles");
      Cache<Object, Object> java = files.open(file("java-codec:", "codec: java\n")).getCache("profiles");
      byDefault.put("a", Profile.of(1));
      java.put("a", Profile.of(1));
      assertThat(redis.server().call("GETRANGE", "default-codec:{profiles}:s:a", "0", "0")).isEqualTo("K");
      assertThat(redis.server().call("EVAL", "return string.byte(redis.call('GET', KEYS[1]), 1)", "1",
          "java-codec:{profiles}:s:a")).as("Java serialization's stream magic").isEqualTo(0xACL);
      Mutable unserializable = new Mutable(new ArrayList<>(List.of("a")));
      byDefault.put("m", unserializable);
      assertThat(((Mutable) byDefault.get("m")).items).as("copies and values in Kryo's form").containsExactly("a");
      assertThatThrownBy(() -> java.put("m", unserializable)).isInstanceOf(CacheException.class)
          .hasMessageContaining("not Serializable");
    }
  }

  @Test
  void withoutKryoOnTheClassPathCodecKryoIsAnErrorThatSaysWhatToAdd() {
    try (ManagerFiles files = new ManagerFiles();
        ChildJvm child = ChildJvm.startWithout("/com/esotericsoftware/", CodecNode.class,
            files.write("l1.yaml", "defaults:\n  codec: kryo\n").toUri().toString())) {
      assertThatThrownBy(() -> child.send("check profiles a 1")).hasMessageContaining("CacheException")
          .hasMessageContaining("codec kryo needs Kryo 5 on the class path: add com.esotericsoftware:kryo:5.6.2");
    }
  }

  private static void setRaw(String key, byte[] value) {
    redis.server().callBytes("SET".getBytes(UTF_8), key.getBytes(UTF_8), value);
  }

  /** A value of about ten fields with a list and a nested object. */
  record Profile(long id, String name, String email, int age, boolean active, double score, List<String> tags,
      Address address) implements Serializable {

    static Profile of(int seed) {
      return new Profile(seed, "Name " + seed, "user" + seed + "@example.org", 20 + seed % 60, seed % 2 == 0,
          seed * 0.5, List.of("tag" + seed, "member"), new Address("Street " + seed, "City", "1000" + seed % 10));
    }
  }

  /** The nested object of a {@link Profile}. */
  record Address(String street, String city, String zip) implements Serializable {}

  /** A key that is neither a string nor a number. */
  record ProfileKey(String region, int id) implements Serializable {}

  /** A mutable value that is not {@link Serializable}. */
  static final class Mutable {
    final List<String> items;

    Mutable(List<String> items) {
      this.items = items;
    }
  }

  /** What {@link Gadget001}'s static initializer did, outside it so that reading it does not initialize it. */
  static final class Flags {
    static final AtomicBoolean gadget = new AtomicBoolean();
  }

  /** A listed class whose name is as long as {@link Gadget001}'s. */
  static final class Harmless1 implements Serializable {
    private static final long serialVersionUID = 1L;
    final String value;

    Harmless1(String value) {
      this.value = value;
    }
  }

  /** A class off the cache's allow-list that would act if it were ever initialized. */
  static final class Gadget001 implements Serializable {
    private static final long serialVersionUID = 1L;
    static final boolean MARK = mark();
    String value;

    private static boolean mark() {
      Flags.gadget.set(true);
      return true;
    }
  }
}
