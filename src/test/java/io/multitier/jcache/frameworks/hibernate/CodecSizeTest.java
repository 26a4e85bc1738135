package io.multitier.jcache.frameworks.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.copy.Codec;
import io.multitier.jcache.copy.Compression;
import io.multitier.jcache.copy.Serializer;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.codec.Kryo5Codec;
import org.redisson.config.Config;

/**
 * Redis memory per entry ({@code MEMORY USAGE}, 10,000 entries under keys of one length) of a
 * ten-field POJO and of a Hibernate second-level cache entry, in codec {@code java}, in codec
 * {@code kryo}, and in Redisson's {@link Kryo5Codec}; prints them with a rough encode and decode
 * time, and holds {@code kryo} to no more bytes than Redisson's codec.
 */
final class CodecSizeTest {

  private static final int ENTRIES = 10_000;
  private static final String PREFIX = "sizes:";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static Node node;
  private static List<Object> hibernateEntries;

  @BeforeAll
  static void cacheBooks() {
    node = Node.start("sizes", "frameworks/hibernate/l1-only.yaml", "fail", true);
    node.write(session -> {
      Author author = new Author(1L, "ada@example.org", "Ada Lovelace");
      session.persist(author);
      for (long id = 100; id < 200; id++) {
        session.persist(new Book(id, "The book number " + id, new BigDecimal(id + ".95"), author));
      }
    });
    node.resetCachesAndStatistics();
    for (long id = 100; id < 200; id++) {
      long bookId = id;
      node.read(s -> s.find(Book.class, bookId));
    }
    hibernateEntries = new ArrayList<>();
    node.region(Book.class.getName()).forEach(entry -> hibernateEntries.add(entry.getValue()));
    assertThat(hibernateEntries).hasSize(100);
    assertThat(hibernateEntries.get(0).getClass().getName())
        .isEqualTo("org.hibernate.cache.spi.support.AbstractReadWriteAccess$Item");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void kryoTakesNoMoreRedisMemoryThanRedissonsKryo5Codec() {
    redis.server().call("FLUSHALL");
    Map<String, Function<Integer, Object>> values = new LinkedHashMap<>();
    values.put("pojo", Person::sample);
    values.put("hibernate", i -> hibernateEntries.get(i % hibernateEntries.size()));
    Kryo5Codec redisson = new Kryo5Codec(getClass().getClassLoader());
    Config config = new Config();
    config.useSingleServer().setAddress(redis.server().address());
    RedissonClient client = Redisson.create(config);
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "%-10s %-16s %12s %12s %12s %12s%n", "value", "codec", "bytes", "MEMORY USAGE", "encode ns", "decode ns"));
    try (ManagerFiles files = new ManagerFiles()) {
      CacheManager manager = files.open(ManagerFiles.sharedClient(redis.server(), PREFIX)
          + "defaults:\n  allowedClasses: [\"" + CodecSizeTest.class.getName() + "$*\", hibernate]\n"
          + "caches:\n  pojo-java: {codec: java}\n  pojo-kryo: {codec: kryo}\n  hibernate-java: {codec: java}\n"
          + "  hibernate-kryo: {codec: kryo}\n");
      for (Map.Entry<String, Function<Integer, Object>> value : values.entrySet()) {
        String kind = value.getKey();
        Map<String, Long> usage = new LinkedHashMap<>();
        for (String codec : List.of("java", "kryo")) {
          Cache<String, Object> cache = manager.getCache(kind + "-" + codec);
          Map<String, Object> batch = new LinkedHashMap<>();
          for (int i = 0; i < ENTRIES; i++) {
            batch.put(key(i), value.getValue().apply(i));
            if (batch.size() == 1000) {
              cache.putAll(batch);
              batch.clear();
            }
          }
          Serializer serializer = Codec.valueOf(codec.toUpperCase(Locale.ROOT)).forSharedTier("c",
              List.of(CodecSizeTest.class.getName() + "$*", "hibernate"), Compression.NONE, 0);
          usage.put(codec, row(table, kind, codec, kind + "-" + codec, value.getValue(),
              serializer::serialize, bytes -> serializer.deserialize(bytes, getClass().getClassLoader())));
        }
        String cacheName = kind + "-rdsn";
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        for (int i = 0; i < ENTRIES; i++) {
          encoded.put(PREFIX + "{" + cacheName + "}:s:" + key(i), encode(redisson, value.getValue().apply(i)));
        }
        client.getBuckets(ByteArrayCodec.INSTANCE).set(encoded);
        usage.put("redisson", row(table, kind, "Redisson Kryo5", cacheName, value.getValue(),
            object -> encode(redisson, object), bytes -> decode(redisson, bytes)));
        assertThat(usage.get("kryo")).as(kind + ": kryo vs Redisson's Kryo5Codec, bytes of Redis memory per entry")
            .isLessThanOrEqualTo(usage.get("redisson"));
        assertThat(usage.get("kryo")).as(kind + ": kryo vs java").isLessThan(usage.get("java"));
      }
    } finally {
      client.shutdown();
      System.out.println("Redis memory per entry, " + ENTRIES + " entries (indicative times, one thread):\n" + table);
    }
  }

  /** Adds the row of one codec and returns its MEMORY USAGE per entry. */
  private static long row(StringBuilder table, String kind, String codec, String cacheName, Function<Integer, Object> values,
      Function<Object, byte[]> encode, Function<byte[], Object> decode) {
    String pattern = PREFIX + "{" + cacheName + "}:*";
    long usage = (Long) redis.server().call("EVAL", "local t = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do"
        + " t = t + redis.call('MEMORY', 'USAGE', k, 'SAMPLES', '0') end return t", "0", pattern);
    long length = (Long) redis.server().call("EVAL", "local t = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do"
        + " t = t + redis.call('STRLEN', k) end return t", "0", pattern);
    long count = (Long) redis.server().call("EVAL", "return #redis.call('KEYS', ARGV[1])", "0", pattern);
    assertThat(count).as(pattern).isEqualTo(ENTRIES);
    List<byte[]> encoded = new ArrayList<>();
    long encodeNanos = time(i -> encoded.add(encode.apply(values.apply(i % 1000))));
    long decodeNanos = time(i -> decode.apply(encoded.get(i % 1000)));
    table.append(String.format(Locale.ROOT, "%-10s %-16s %12.1f %12.1f %12d %12d%n", kind, codec,
        (double) length / ENTRIES, (double) usage / ENTRIES, encodeNanos, decodeNanos));
    return usage / ENTRIES;
  }

  /** Returns the mean time of the operation, in nanoseconds, after as many runs to warm it up. */
  private static long time(java.util.function.IntConsumer operation) {
    int runs = Integer.getInteger("codec.runs", 20_000);
    for (int i = 0; i < runs; i++) {
      operation.accept(i);
    }
    long start = System.nanoTime();
    for (int i = 0; i < runs; i++) {
      operation.accept(i);
    }
    return (System.nanoTime() - start) / runs;
  }

  private static String key(int i) {
    return String.format(Locale.ROOT, "k%010d", i);
  }

  private static byte[] encode(Kryo5Codec codec, Object value) {
    try {
      ByteBuf buffer = codec.getValueEncoder().encode(value);
      try {
        return ByteBufUtil.getBytes(buffer);
      } finally {
        buffer.release();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object decode(Kryo5Codec codec, byte[] bytes) {
    try {
      return codec.getValueDecoder().decode(Unpooled.wrappedBuffer(bytes), null);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A POJO of ten fields with a list and a nested object, as an application caches. */
  static final class Person implements Serializable {
    private static final long serialVersionUID = 1L;
    long id;
    String firstName;
    String lastName;
    String email;
    int age;
    boolean active;
    double balance;
    LocalDate birthday;
    Instant updated;
    List<String> roles;
    Address address;

    static Person sample(int i) {
      Person p = new Person();
      p.id = 1_000_000L + i;
      p.firstName = "First" + i;
      p.lastName = "Lastname" + (i % 977);
      p.email = "user" + i + "@example.org";
      p.age = 18 + i % 70;
      p.active = i % 3 != 0;
      p.balance = i * 12.5;
      p.birthday = LocalDate.of(1950 + i % 60, 1 + i % 12, 1 + i % 28);
      p.updated = Instant.ofEpochSecond(1_700_000_000L + i);
      p.roles = new ArrayList<>(List.of("user", (i % 10 == 0) ? "admin" : "member"));
      p.address = new Address("Street " + (i % 500), "City " + (i % 50), String.format(Locale.ROOT, "%05d", i % 99_999));
      return p;
    }
  }

  /** The nested object of a {@link Person}. */
  static final class Address implements Serializable {
    private static final long serialVersionUID = 1L;
    String street;
    String city;
    String zip;

    Address() {}

    Address(String street, String city, String zip) {
      this.street = street;
      this.city = city;
      this.zip = zip;
    }
  }
}
