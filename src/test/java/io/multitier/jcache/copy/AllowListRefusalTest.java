package io.multitier.jcache.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.Serializable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A refusal of the allow-list names the class, the cache and the setting that would allow it. */
final class AllowListRefusalTest {

  @Test
  void aRefusalNamesTheClassTheCacheAndTheSettingToChange() {
    JavaSerializer serializer = JavaSerializer.allowing("users", List.of("org.example.**"));
    byte[] bytes = serializer.serialize(new Profile("Ada"));
    SerializationException refused = catchThrowableOfType(SerializationException.class,
        () -> serializer.deserialize(bytes, getClass().getClassLoader()));
    assertThat(refused.refusedClass()).isEqualTo(Profile.class.getName());
    assertThat(refused).hasMessageContaining("Refused to deserialize " + Profile.class.getName())
        .hasMessageContaining("cache 'users'")
        .hasMessageContaining("add \"" + Profile.class.getName() + "\" (or \"io.multitier.jcache.copy.**\" for its package) to allowedClasses");
    SerializationException corrupt = catchThrowableOfType(SerializationException.class,
        () -> serializer.deserialize(new byte[] {1, 2, 3}, getClass().getClassLoader()));
    assertThat(corrupt.refusedClass()).as("bytes that are not a serialized object are not a refusal").isNull();
  }

  /** A class outside the allow-list. */
  record Profile(String name) implements Serializable {}
}
