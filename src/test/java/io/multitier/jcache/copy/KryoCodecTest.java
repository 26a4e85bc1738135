package io.multitier.jcache.copy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.Serializable;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The {@code kryo} codec of the shared tier: what it round-trips, and the bytes it refuses
 * (another codec's, corrupt, forged lengths and depths, classes off the allow-list, another
 * version of a class) with a {@link SerializationException} and without running the class's code.
 */
final class KryoCodecTest {

  private static final ClassLoader LOADER = KryoCodecTest.class.getClassLoader();
  private static final String HERE = KryoCodecTest.class.getName() + "$";

  private final Serializer kryo = Codec.KRYO.forSharedTier("users", List.of(HERE + "*"), Compression.NONE, 0);

  @Test
  void aPojoWithAListAndANestedObjectRoundTripsAndIsSmallerThanJava() {
    Person person = Person.sample(7);
    byte[] bytes = kryo.serialize(person);
    assertThat(bytes[0]).isEqualTo((byte) 'K');
    assertThat(kryo.deserialize(bytes, LOADER)).isEqualTo(person);
    byte[] java = Codec.JAVA.forSharedTier("users", List.of(HERE + "*"), Compression.NONE, 0).serialize(person);
    assertThat(bytes.length).as("kryo bytes vs java's " + java.length).isLessThan(java.length / 2);
  }

  @Test
  void jdkValueTypesRoundTripAsTheyWere() {
    Timestamp stamp = new Timestamp(1_700_000_000_123L);
    stamp.setNanos(123_456_789);
    Map<String, Integer> ordered = new LinkedHashMap<>();
    ordered.put("z", 1);
    ordered.put("a", 2);
    List<Object> values = List.of("text", 42, 42L, 4.2d, true, 'c', new BigDecimal("1.50"), UUID.randomUUID(),
        LocalDate.of(2026, 12, 2), Instant.ofEpochSecond(5, 7), stamp, new java.sql.Date(86_400_000L),
        List.of(1, 2, 3), List.of(), Set.of("x"), Map.of("k", "v"), Arrays.asList("a", null),
        Collections.unmodifiableList(new ArrayList<>(List.of("u"))), Collections.emptyMap(),
        new TreeMap<>(Map.of("b", 1, "a", 2)), ordered, new int[] {1, 2}, new String[] {"s", null},
        Color.GREEN, new Point(1, 2));
    Serializer hibernateToo = Codec.KRYO.forSharedTier("c", List.of(HERE + "*", "hibernate"), Compression.NONE, 0);
    for (Object value : values) {
      Object back = hibernateToo.deserialize(hibernateToo.serialize(value), LOADER);
      assertThat(back).as(value.getClass().getName()).usingRecursiveComparison().isEqualTo(value);
      assertThat(back).as(value.getClass().getName()).hasSameClassAs(value);
    }
    assertThat(((Timestamp) hibernateToo.deserialize(hibernateToo.serialize(stamp), LOADER)).getNanos()).isEqualTo(123_456_789);
    assertThat(hibernateToo.deserialize(hibernateToo.serialize(ordered), LOADER)).asString().isEqualTo("{z=1, a=2}");
  }

  @Test
  void sharedReferencesCyclesAndSingletonsSurvive() {
    Node a = new Node("a");
    Node b = new Node("b");
    a.next = b;
    b.next = a;
    Node back = (Node) kryo.deserialize(kryo.serialize(a), LOADER);
    assertThat(back.next.next).isSameAs(back);
    assertThat(kryo.deserialize(kryo.serialize(List.of(Marker.INSTANCE, Marker.INSTANCE)), LOADER))
        .asList().allSatisfy(marker -> assertThat(marker).as("readResolve is honoured").isSameAs(Marker.INSTANCE));
  }

  @Test
  void aClassOffTheAllowListIsRefusedByNameBeforeItIsLoaded() {
    Serializer narrow = Codec.KRYO.forSharedTier("users", List.of(Person.class.getName(), Address.class.getName()),
        Compression.NONE, 0);
    byte[] bytes = Codec.KRYO.forSharedTier("users", List.of(HERE + "*"), Compression.NONE, 0)
        .serialize(List.of(new Harmless01("x")));
    byte[] forged = replace(bytes, Harmless01.class.getName(), Gadget0001.class.getName());

    List<String> loaded = new java.util.concurrent.CopyOnWriteArrayList<>();
    ClassLoader recording = new ClassLoader(LOADER) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        loaded.add(name);
        return super.loadClass(name, resolve);
      }
    };

    SerializationException refused = catchThrowableOfType(SerializationException.class,
        () -> narrow.deserialize(forged, recording));

    assertThat(refused.refusedClass()).isEqualTo(Gadget0001.class.getName());
    assertThat(loaded).as("classes asked of the class loader").doesNotContain(Gadget0001.class.getName());
    assertThat(refused).hasMessageContaining("cache 'users'")
        .hasMessageContaining("add \"" + Gadget0001.class.getName() + "\" (or \"io.multitier.jcache.copy.**\" for its package) to allowedClasses");
    assertThat(Flags.gadget).as("the refused class's static initializer never ran").isFalse();
  }

  @Test
  void aListedClassWhoseSuperclassOrFieldTypeIsNotListedIsRefusedBeforeItsCodeRuns() {
    Serializer all = Codec.KRYO.forSharedTier("users", List.of(HERE + "*"), Compression.NONE, 0);
    Serializer onlyTheSubclass = Codec.KRYO.forSharedTier("users", List.of(Subclass01.class.getName()), Compression.NONE, 0);
    byte[] forged = replace(all.serialize(new Harmless02("x")), Harmless02.class.getName(), Subclass01.class.getName());
    SerializationException refused = catchThrowableOfType(SerializationException.class,
        () -> onlyTheSubclass.deserialize(forged, LOADER));
    assertThat(refused.refusedClass()).isEqualTo(Base.class.getName());
    assertThat(Flags.subclass).as("the subclass's static initializer never ran").isFalse();

    Serializer withoutAddress = Codec.KRYO.forSharedTier("users", List.of(Person.class.getName()), Compression.NONE, 0);
    SerializationException field = catchThrowableOfType(SerializationException.class,
        () -> withoutAddress.deserialize(all.serialize(Person.sample(1)), LOADER));
    assertThat(field.refusedClass()).as("a field of a final type off the list").isEqualTo(Address.class.getName());
  }

  @Test
  void bytesOfAnotherVersionOfAClassAreRefusedRatherThanMisread() {
    byte[] bytes = kryo.serialize(new Harmless01("x"));
    byte[] otherVersion = replace(bytes, Harmless01.class.getName(), Harmless03.class.getName());
    assertThat(catchThrowableOfType(SerializationException.class, () -> kryo.deserialize(otherVersion, LOADER)))
        .hasMessageContaining("other fields");
  }

  @Test
  void anotherCodecsBytesAndCorruptBytesAreRefusedWithTheReason() {
    Serializer java = Codec.JAVA.forSharedTier("users", List.of(HERE + "*"), Compression.NONE, 0);
    assertThat(catchThrowableOfType(SerializationException.class, () -> kryo.deserialize(java.serialize("a"), LOADER)))
        .hasMessageContaining("written with codec java and this cache reads codec kryo").hasMessageContaining("'users'");
    assertThat(catchThrowableOfType(SerializationException.class, () -> java.deserialize(kryo.serialize("a"), LOADER)))
        .hasMessageContaining("written with codec kryo and this cache reads codec java");
    byte[] good = kryo.serialize(Person.sample(3));
    for (byte[] bad : List.of(new byte[0], new byte[] {'K'}, "{\"json\": 1}".getBytes(ISO_8859_1),
        Arrays.copyOf(good, good.length - 3), Arrays.copyOf(good, good.length + 2), new byte[] {'K', 1, 0, (byte) 0x81})) {
      SerializationException e = catchThrowableOfType(SerializationException.class, () -> kryo.deserialize(bad, LOADER));
      assertThat(e).as(Arrays.toString(bad)).isNotNull();
      assertThat(e.refusedClass()).isNull();
    }
  }

  @Test
  void forgedLengthsAndDepthsAreRefusedWithoutAllocatingThem() {
    byte[] forgedLength = {(byte) 0xBF, (byte) 0xFF, (byte) 0xFF, 0x7F};
    byte[] list = kryo.serialize(new ArrayList<>(List.of("a")));
    assertThat(list[1]).as("ArrayList's fixed id").isEqualTo((byte) 18);
    byte[] hugeList = splice(list, 3, 1, forgedLength);
    assertThat(catchThrowableOfType(SerializationException.class, () -> kryo.deserialize(hugeList, LOADER)))
        .hasMessageContaining("bytes left");
    for (List<String> kind : List.of(List.of("a"), Arrays.asList("a"), new LinkedList<>(List.of("a")))) {
      byte[] other = splice(kryo.serialize(kind), 3, 1, forgedLength);
      assertThat(catchThrowableOfType(SerializationException.class, () -> kryo.deserialize(other, LOADER)))
          .as(kind.getClass().getName()).hasMessageContaining("bytes left");
    }
    byte[] string = kryo.serialize("\u00e9t\u00e9");
    int length = indexOf(string, (byte) 0x84);
    byte[] longString = splice(string, length, 1, forgedLength);
    assertThat(catchThrowableOfType(SerializationException.class, () -> kryo.deserialize(longString, LOADER)))
        .hasMessageContaining("bytes left");

    Object deep = "bottom";
    for (int i = 0; i < 100; i++) {
      deep = new ArrayList<>(List.of(deep));
    }
    Object tooDeep = deep;
    assertThat(catchThrowableOfType(SerializationException.class, () -> kryo.deserialize(kryo.serialize(tooDeep), LOADER)))
        .hasMessageContaining("depth");
  }

  @Test
  void largeValuesAreCompressedAboveTheThresholdAndReadWhateverTheReadersSetting() {
    Serializer compressing = Codec.KRYO.forSharedTier("users", List.of(HERE + "*"), Compression.DEFLATE, 1024);
    List<Person> people = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      people.add(Person.sample(i));
    }
    byte[] plain = kryo.serialize(people);
    byte[] compressed = compressing.serialize(people);
    assertThat(compressed[0]).isEqualTo((byte) 'Z');
    assertThat(compressed.length).isLessThan(plain.length / 2);
    assertThat(kryo.deserialize(compressed, LOADER)).isEqualTo(people);
    assertThat(compressing.deserialize(plain, LOADER)).isEqualTo(people);
    assertThat(compressing.serialize(Person.sample(1))[0]).as("below the threshold").isEqualTo((byte) 'K');

    byte[] bomb = compressed.clone();
    bomb[1] = (byte) 0xFF;
    bomb[2] = (byte) 0xFF;
    bomb[3] = (byte) 0xFF;
    bomb[4] = 0x7F;
    assertThat(catchThrowableOfType(SerializationException.class, () -> kryo.deserialize(bomb, LOADER)))
        .as("a declared length over 64 MiB").isNotNull();
    byte[] corrupt = Arrays.copyOf(compressed, compressed.length - 5);
    assertThat(catchThrowableOfType(SerializationException.class, () -> kryo.deserialize(corrupt, LOADER))).isNotNull();
  }

  @Test
  void copiesNeedNoAllowListAndNoSerializable() {
    Serializer copies = Codec.KRYO.forCopies();
    NotSerializable value = new NotSerializable(List.of("a"));
    assertThat(copies.deserialize(copies.serialize(value), LOADER)).usingRecursiveComparison().isEqualTo(value);
  }

  private static byte[] splice(byte[] bytes, int at, int removed, byte[] inserted) {
    byte[] result = new byte[bytes.length - removed + inserted.length];
    System.arraycopy(bytes, 0, result, 0, at);
    System.arraycopy(inserted, 0, result, at, inserted.length);
    System.arraycopy(bytes, at + removed, result, at + inserted.length, bytes.length - at - removed);
    return result;
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 1; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    throw new AssertionError("no byte " + b);
  }

  private static byte[] replace(byte[] bytes, String from, String to) {
    assertThat(to).hasSameSizeAs(from);
    String text = new String(bytes, ISO_8859_1);
    assertThat(text).contains(from);
    return text.replace(from, to).getBytes(ISO_8859_1);
  }

  /** A POJO of about ten fields with a list and a nested object. */
  static final class Person implements Serializable {
    private static final long serialVersionUID = 1L;
    long id;
    String name;
    String email;
    int age;
    boolean active;
    double score;
    Instant created;
    Color color;
    List<String> tags;
    Address address;

    static Person sample(int i) {
      Person p = new Person();
      p.id = 1000 + i;
      p.name = "Person " + i;
      p.email = "person" + i + "@example.org";
      p.age = 20 + i % 50;
      p.active = i % 2 == 0;
      p.score = i * 1.5;
      p.created = Instant.ofEpochSecond(1_700_000_000L + i);
      p.color = Color.values()[i % 3];
      p.tags = new ArrayList<>(List.of("tag" + i, "member"));
      p.address = new Address("Street " + i, "City", "12345");
      return p;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Person)) {
        return false;
      }
      Person p = (Person) o;
      return id == p.id && name.equals(p.name) && email.equals(p.email) && age == p.age && active == p.active
          && score == p.score && created.equals(p.created) && color == p.color && tags.equals(p.tags)
          && address.equals(p.address);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(id);
    }
  }

  /** The nested object. */
  static final class Address implements Serializable {
    private static final long serialVersionUID = 1L;
    final String street;
    final String city;
    final String zip;

    Address(String street, String city, String zip) {
      this.street = street;
      this.city = city;
      this.zip = zip;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Address && street.equals(((Address) o).street) && city.equals(((Address) o).city)
          && zip.equals(((Address) o).zip);
    }

    @Override
    public int hashCode() {
      return street.hashCode();
    }
  }

  enum Color { RED, GREEN, BLUE }

  record Point(int x, int y) implements Serializable {}

  /** A graph with a cycle. */
  static final class Node implements Serializable {
    private static final long serialVersionUID = 1L;
    final String name;
    Node next;

    Node(String name) {
      this.name = name;
    }
  }

  /** A singleton kept one by {@code readResolve}. */
  static final class Marker implements Serializable {
    private static final long serialVersionUID = 1L;
    static final Marker INSTANCE = new Marker();

    private Object readResolve() {
      return INSTANCE;
    }
  }

  /** A listed class whose name is as long as {@link Gadget0001}'s. */
  static final class Harmless01 implements Serializable {
    private static final long serialVersionUID = 1L;
    final String value;

    Harmless01(String value) {
      this.value = value;
    }
  }

  /** A class of the same name length and shape as {@link Subclass01}. */
  static final class Harmless02 implements Serializable {
    private static final long serialVersionUID = 1L;
    final String value;

    Harmless02(String value) {
      this.value = value;
    }
  }

  /** {@link Harmless01} in another version: another field. */
  static final class Harmless03 implements Serializable {
    private static final long serialVersionUID = 1L;
    final int value = 0;
  }

  /** What the static initializers below did, outside their classes so that reading it initializes neither. */
  static final class Flags {
    static final AtomicBoolean gadget = new AtomicBoolean();
    static final AtomicBoolean subclass = new AtomicBoolean();
  }

  /** A class that would act if it were ever initialized. */
  static final class Gadget0001 implements Serializable {
    private static final long serialVersionUID = 1L;
    static final boolean MARK = mark();
    String value;

    private static boolean mark() {
      Flags.gadget.set(true);
      return true;
    }
  }

  /** A superclass off the allow-list. */
  static class Base implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** A listed subclass of {@link Base}, whose name is as long as {@link Harmless02}'s. */
  static final class Subclass01 extends Base {
    private static final long serialVersionUID = 1L;
    static final boolean MARK = mark();
    String value;

    private static boolean mark() {
      Flags.subclass.set(true);
      return true;
    }
  }

  /** A value that Java serialization cannot copy. */
  static final class NotSerializable {
    final List<String> items;

    NotSerializable(List<String> items) {
      this.items = items;
    }
  }
}
