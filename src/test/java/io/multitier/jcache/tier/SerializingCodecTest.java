package io.multitier.jcache.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multitier.jcache.copy.JavaSerializer;
import io.multitier.jcache.copy.SerializationException;
import java.io.Serializable;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Keys become stable strings and values bytes; what comes back from the shared tier is checked. */
final class SerializingCodecTest {

  private final SerializingCodec<Object, Object> codec = new SerializingCodec<>(
      JavaSerializer.allowing(List.of()), getClass().getClassLoader());

  @Test
  void commonKeysAreReadableAndRoundTrip() {
    UUID id = UUID.randomUUID();
    assertThat(codec.encodeKey("org.example.User#1")).isEqualTo("s:org.example.User#1");
    assertThat(codec.encodeKey(42)).isEqualTo("i:42");
    assertThat(codec.encodeKey(42L)).isEqualTo("l:42");
    assertThat(codec.encodeKey(id)).isEqualTo("u:" + id);
    for (Object key : List.of("", "a:b", 42, 42L, id, List.of(1, 2))) {
      assertThat(codec.decodeKey(codec.encodeKey(key))).isEqualTo(key);
    }
  }

  @Test
  void equalKeysEncodeEquallyAndDistinctTypesDiffer() {
    assertThat(codec.encodeKey(List.of(1, "x"))).isEqualTo(codec.encodeKey(List.of(1, "x")));
    assertThat(codec.encodeKey(42)).isNotEqualTo(codec.encodeKey(42L)).isNotEqualTo(codec.encodeKey("42"));
  }

  @Test
  void valuesOfClassesOffTheAllowListAreRefused() {
    byte[] bytes = JavaSerializer.trustingOwnBytes().serialize(new Secret("x"));
    assertThatThrownBy(() -> codec.decodeValue(bytes)).isInstanceOf(SerializationException.class)
        .hasMessageContaining(Secret.class.getName());
    SerializingCodec<Object, Object> allowing = new SerializingCodec<>(
        JavaSerializer.allowing(List.of(Secret.class.getName())), getClass().getClassLoader());
    assertThat(allowing.decodeValue(bytes)).isEqualTo(new Secret("x"));
  }

  @Test
  void corruptBytesAndKeysAreClearErrors() {
    assertThatThrownBy(() -> codec.decodeValue(new byte[] {1, 2, 3}))
        .isInstanceOf(SerializationException.class).hasMessageContaining("3 bytes");
    assertThatThrownBy(() -> codec.decodeKey("x")).isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> codec.decodeKey("i:notanumber")).isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> codec.decodeKey("q:1")).isInstanceOf(SerializationException.class);
  }

  /** A class that is not on the default allow-list. */
  record Secret(String value) implements Serializable {}
}
