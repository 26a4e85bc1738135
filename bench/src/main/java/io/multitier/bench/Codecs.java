package io.multitier.bench;

import io.multitier.jcache.copy.Codec;
import io.multitier.jcache.copy.Compression;
import io.multitier.jcache.copy.Serializer;
import io.multitier.jcache.spi.ClassDictionary;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The value codecs of the shared tier, without Redis: encoding one ten-field POJO (a list and a
 * nested object inside), decoding one, and decoding the 100 values of a {@code getAll(100)}, in
 * codec {@code java}, codec {@code kryo} with class names spelled out, {@code kryo-dictionary}
 * with classes referred to through a class dictionary this JVM already knows (what a tiered cache
 * writes by default, the dictionary's one read from Redis per class and JVM left out; all reading
 * through the allow-list) and Redisson's default {@code Kryo5Codec}. {@link #main} prints the
 * encoded sizes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class Codecs {

  private static final List<String> ALLOWED = List.of(Codecs.class.getName() + "$*");

  @Param({"java", "kryo", "kryo-dictionary", "redisson"})
  public String codec;

  private Format format;
  private Person value;
  private byte[] encoded;
  private byte[][] hundred;

  @Setup(Level.Trial)
  public void setUp() {
    format = Format.of(codec);
    value = Person.sample(7);
    encoded = format.encode(value);
    hundred = new byte[100][];
    for (int i = 0; i < hundred.length; i++) {
      hundred[i] = format.encode(Person.sample(i));
    }
  }

  @Benchmark
  public byte[] encode() {
    return format.encode(value);
  }

  @Benchmark
  public Object decode() {
    return format.decode(encoded);
  }

  /** Decodes what a {@code getAll} of 100 keys brings back from Redis; the time is for all 100. */
  @Benchmark
  public void decodeGetAll100(Blackhole blackhole) {
    for (byte[] bytes : hundred) {
      blackhole.consume(format.decode(bytes));
    }
  }

  /** Prints the encoded size of the POJO in each codec. */
  public static void main(String[] args) {
    for (String name : List.of("java", "kryo", "kryo-dictionary", "redisson")) {
      Format format = Format.of(name);
      long total = 0;
      for (int i = 0; i < 10_000; i++) {
        total += format.encode(Person.sample(i)).length;
      }
      System.out.printf(Locale.ROOT, "%-15s %6.1f bytes per value%n", name, total / 10_000.0);
    }
  }

  /** A class dictionary that knows every class this JVM referred to, as a tiered cache's does once it has met them. */
  static final class KnownClasses implements ClassDictionary {
    private final Map<Integer, String> entries = new ConcurrentHashMap<>();

    @Override
    public String entry(int reference) {
      return entries.get(reference);
    }

    @Override
    public boolean refer(int reference, String entry) {
      entries.putIfAbsent(reference, entry);
      return true;
    }
  }

  /** One codec: ours through {@link Codec#forSharedTier}, or Redisson's. */
  interface Format {
    byte[] encode(Object value);

    Object decode(byte[] bytes);

    static Format of(String name) {
      if (name.equals("redisson")) {
        org.redisson.codec.Kryo5Codec redisson = new org.redisson.codec.Kryo5Codec(Codecs.class.getClassLoader());
        return new Format() {
          @Override
          public byte[] encode(Object value) {
            try {
              ByteBuf buffer = redisson.getValueEncoder().encode(value);
              try {
                return ByteBufUtil.getBytes(buffer);
              } finally {
                buffer.release();
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }

          @Override
          public Object decode(byte[] bytes) {
            try {
              return redisson.getValueDecoder().decode(Unpooled.wrappedBuffer(bytes), null);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        };
      }
      boolean referenced = name.equals("kryo-dictionary");
      Serializer serializer = (referenced ? Codec.KRYO : Codec.valueOf(name.toUpperCase(Locale.ROOT)))
          .forSharedTier("bench", ALLOWED, Compression.NONE, 0, Integer.MAX_VALUE, referenced ? new KnownClasses() : null);
      ClassLoader loader = Codecs.class.getClassLoader();
      return new Format() {
        @Override
        public byte[] encode(Object value) {
          return serializer.serialize(value);
        }

        @Override
        public Object decode(byte[] bytes) {
          return serializer.deserialize(bytes, loader);
        }
      };
    }
  }

  /** A POJO of ten fields with a list and a nested object, as an application caches. */
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
      p.address = new Address("Street " + (i % 500), "City " + (i % 50), String.format(Locale.ROOT, "%05d", i % 99_999));
      return p;
    }
  }

  /** The nested object of a {@link Person}. */
  public static final class Address implements Serializable {
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
