package io.multitier.jcache.tiered;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.AsyncCache;
import io.multitier.jcache.TieredCache;
import io.multitier.jcache.copy.Codec;
import io.multitier.jcache.copy.Compression;
import io.multitier.jcache.spi.ClassDictionary;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import io.multitier.jcache.tier.TierStatistics;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The class dictionary of a tiered cache with default settings ({@code kryo}): a value refers to
 * its class by a four-byte reference that the write script registers in
 * {@code <prefix>{<cache>}#classes}, so another client learns it from Redis; a dictionary an
 * operator deleted makes values misses, never another class, until the next writes fill it again;
 * a planted entry naming a class outside the allow-list is refused unloaded.
 */
final class ClassDictionaryTest {

  private static final String PREFIX = "dictionary:";
  private static final String CACHES = "caches:\n"
      + "  people:\n"
      + "    keyType: java.lang.String\n"
      + "    allowedClasses: [\"" + Person.class.getName() + "\", \"" + Address.class.getName() + "\"]\n";
  private static final String CLASSES = PREFIX + "{people}#classes";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  static volatile boolean plantedLoaded;

  private ManagerFiles managers;
  private Cache<String, Object> writer;
  private Cache<String, Object> reader;

  @BeforeEach
  void open() {
    redis.server().call("FLUSHALL");
    managers = new ManagerFiles();
    writer = managers.open(managers.separateClient(redis.server(), PREFIX, "writer", "") + CACHES).getCache("people");
    reader = managers.open(managers.separateClient(redis.server(), PREFIX, "reader", "") + CACHES).getCache("people");
  }

  @AfterEach
  void close() {
    managers.close();
  }

  @Test
  void aTenFieldValueIsStoredWithoutItsClassNames() {
    writer.put("p1", Person.sample(1));

    long length = (Long) redis.server().call("STRLEN", PREFIX + "{people}:s:p1");
    assertThat(length).as("bytes of a ten-field value in Redis (by name: about 140)").isLessThan(105);
    assertThat(redis.server().call("HLEN", CLASSES)).as("one entry: the nested object's class is its field's final type")
        .isEqualTo(1L);
  }

  @Test
  void anotherClientLearnsTheReferenceFromRedis() {
    writer.put("p1", Person.sample(1));
    writer.put("p2", Person.sample(2));

    assertThat(reader.get("p1")).isEqualTo(Person.sample(1));
    assertThat(reader.get("p2")).isEqualTo(Person.sample(2));
    reader.put("p3", Person.sample(3));
    assertThat(writer.get("p3")).isEqualTo(Person.sample(3));
    assertThat(tiers(reader).corruptValues()).isZero();
  }

  @Test
  void aValueThatSpellsItsClassNameOutStillReads() {
    byte[] byName = Codec.KRYO.forSharedTier("people", List.of(Person.class.getName(), Address.class.getName()),
        Compression.NONE, Integer.MAX_VALUE).serialize(Person.sample(7));
    redis.server().callBytes("SET".getBytes(UTF_8), (PREFIX + "{people}:s:p7").getBytes(UTF_8), byName);

    assertThat(new String(byName, UTF_8)).contains(Person.class.getName());
    assertThat(reader.get("p7")).isEqualTo(Person.sample(7));
  }

  @Test
  @SuppressWarnings("unchecked")
  void anAsynchronousReadThatMeetsAnUnknownReferenceDoesNotWaitAndTheNextReadsIt() throws Exception {
    writer.put("p1", Person.sample(1));
    AsyncCache<String, Object> async = reader.unwrap(AsyncCache.class);

    Object first = async.getAsync("p1").toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(first).as("read where it was decoded, or a miss while the dictionary is read").isIn(null, Person.sample(1));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Object later = first;
    while (later == null && System.nanoTime() < deadline) {
      Thread.sleep(100);
      later = async.getAsync("p1").toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    assertThat(later).isEqualTo(Person.sample(1));
  }

  @Test
  void aDeletedDictionaryMakesMissesNeverAnotherClassAndIsFilledAgain() throws InterruptedException {
    writer.put("p1", Person.sample(1));
    redis.server().call("DEL", CLASSES);
    writer.put("p2", Person.sample(2));

    assertThat(reader.get("p1")).as("a reference Redis no longer names is a miss").isNull();
    assertThat(reader.get("p2")).isNull();
    assertThat(tiers(reader).corruptValues()).isEqualTo(2);

    Thread.sleep(2_500); // longer than an entry goes unclaimed and an unknown reference unasked
    writer.put("p3", Person.sample(3));
    assertThat(redis.server().call("HLEN", CLASSES)).isEqualTo(1L);
    assertThat(reader.get("p1")).isEqualTo(Person.sample(1));
    assertThat(reader.get("p2")).isEqualTo(Person.sample(2));
    assertThat(reader.get("p3")).isEqualTo(Person.sample(3));
  }

  @Test
  void aPlantedEntryOutsideTheAllowListIsRefusedUnloaded() {
    String entry = Planted.class.getName() + "#0";
    int reference = ClassDictionary.referenceOf(entry);
    redis.server().call("HSET", CLASSES, ClassDictionary.hex(reference), entry);
    byte[] value = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).put((byte) 'K').put((byte) 12).putInt(reference).put((byte) 1).put((byte) 0)
        .array();
    redis.server().callBytes("SET".getBytes(UTF_8), (PREFIX + "{people}:s:planted").getBytes(UTF_8), value);
    // a reference whose entry names a class allowed but not its own: refused by its reference
    String lying = Person.class.getName() + "#0";
    int other = ClassDictionary.referenceOf(Planted.class.getName() + "#1");
    redis.server().call("HSET", CLASSES, ClassDictionary.hex(other), lying);
    byte[] second = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).put((byte) 'K').put((byte) 12).putInt(other).put((byte) 1).put((byte) 0)
        .array();
    redis.server().callBytes("SET".getBytes(UTF_8), (PREFIX + "{people}:s:lying").getBytes(UTF_8), second);

    assertThat(reader.get("planted")).isNull();
    assertThat(reader.get("lying")).isNull();
    assertThat(plantedLoaded).as("the refused class was never initialized").isFalse();
    TierStatistics tiers = tiers(reader);
    assertThat(tiers.corruptValues()).isEqualTo(2);
    assertThat(tiers.refusedClasses()).isEqualTo(1);
    writer.put("p1", Person.sample(1));
    assertThat(reader.get("p1")).as("the cache keeps working").isEqualTo(Person.sample(1));
  }

  @Test
  void anEntryPlantedUnderAClassesReferenceIsReplacedByItsFirstWrite() {
    String entry = writtenEntry();
    redis.server().call("FLUSHALL");
    String reference = ClassDictionary.hex(ClassDictionary.referenceOf(entry));
    redis.server().call("HSET", CLASSES, reference, Planted.class.getName() + "#0");

    Cache<String, Object> fresh = managers.open(managers.separateClient(redis.server(), PREFIX, "fresh", "") + CACHES)
        .getCache("people");
    fresh.put("p1", Person.sample(1));

    assertThat(redis.server().call("HGET", CLASSES, reference)).isEqualTo(entry);
    assertThat(reader.get("p1")).isEqualTo(Person.sample(1));
  }

  /** Returns the entry the cache's writes put in the dictionary for a {@link Person}. */
  private String writtenEntry() {
    writer.put("p0", Person.sample(0));
    @SuppressWarnings("unchecked")
    List<String> fields = (List<String>) redis.server().call("HGETALL", CLASSES);
    assertThat(fields).hasSize(2);
    return fields.get(1);
  }

  private static TierStatistics tiers(Cache<?, ?> cache) {
    return cache.unwrap(TieredCache.class).tierStatistics();
  }

  /** Not on the cache's allow-list. */
  static final class Planted {
    static {
      plantedLoaded = true;
    }
  }

  /** A ten-field value, as in the benchmark of Redis bytes per entry. */
  public static final class Person implements Serializable {
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
      p.address = new Address("Street " + (i % 500), "City " + (i % 50), String.format("%05d", i % 99_999));
      return p;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Person p && id == p.id && Objects.equals(email, p.email) && Objects.equals(roles, p.roles)
          && Objects.equals(address, p.address) && Objects.equals(birthday, p.birthday);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(id);
    }
  }

  /** The nested object of a {@link Person}. */
  public static final class Address implements Serializable {
    private static final long serialVersionUID = 1L;
    String street;
    String city;
    String zip;

    Address(String street, String city, String zip) {
      this.street = street;
      this.city = city;
      this.zip = zip;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Address a && street.equals(a.street) && city.equals(a.city) && zip.equals(a.zip);
    }

    @Override
    public int hashCode() {
      return zip.hashCode();
    }
  }
}
