package io.multitier.jcache.copy;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.UUID;

/**
 * Store-by-value through a {@link Serializer}. Immutable JDK types are shared rather than copied,
 * since no caller can change them; everything else makes a round trip through bytes.
 */
public final class SerializingCopier implements Copier {

  private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Boolean.class, Byte.class,
      Short.class, Integer.class, Long.class, Float.class, Double.class, Character.class,
      BigInteger.class, BigDecimal.class, UUID.class, Duration.class, Instant.class,
      LocalDate.class, LocalTime.class, LocalDateTime.class, OffsetDateTime.class,
      ZonedDateTime.class, Class.class);

  private final Serializer serializer;

  /** Creates the copier over the serializer. */
  public SerializingCopier(Serializer serializer) {
    this.serializer = requireNonNull(serializer, "serializer");
  }

  @Override
  public <T> T copy(T object, ClassLoader classLoader) {
    requireNonNull(object, "object");
    Class<?> type = object.getClass();
    if (IMMUTABLE.contains(type) || object instanceof Enum) {
      return object;
    }
    if (type == byte[].class) {
      @SuppressWarnings("unchecked")
      T copy = (T) ((byte[]) object).clone();
      return copy;
    }
    @SuppressWarnings("unchecked")
    T copy = (T) serializer.deserialize(serializer.serialize(object), classLoader);
    return copy;
  }
}
