package io.multitier.jcache.copy;

import com.esotericsoftware.kryo.util.MapReferenceResolver;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Currency;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps shared references and cycles, as Java serialization does, except among the immutable
 * value types, whose identity no reader can tell: they are written each time, without the cost of
 * tracking them.
 */
final class ValueReferences extends MapReferenceResolver {
  private static final Set<Class<?>> VALUES = Set.of(String.class, BigDecimal.class, BigInteger.class,
      UUID.class, URI.class, Instant.class, Duration.class, LocalDate.class, LocalTime.class, LocalDateTime.class,
      OffsetDateTime.class, ZonedDateTime.class, Currency.class, Locale.class);

  @Override
  @SuppressWarnings("rawtypes")
  public boolean useReferences(Class type) {
    return super.useReferences(type) && !VALUES.contains(type);
  }
}
