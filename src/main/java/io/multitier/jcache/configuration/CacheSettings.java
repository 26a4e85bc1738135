package io.multitier.jcache.configuration;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one cache in the configuration file, or of every cache under {@code defaults}.
 * Each field left out keeps the value from {@code defaults}, then from the built-in defaults; a
 * {@code null} component is one left out.
 */
record CacheSettings(
    @JsonProperty("keyType") @Nullable String keyType,
    @JsonProperty("valueType") @Nullable String valueType,
    @JsonProperty("maximumSize") @Nullable Long maximumSize,
    @JsonProperty("l1MaxTtl") @Nullable String l1MaxTtl,
    @JsonProperty("tiered") @Nullable Boolean tiered,
    @JsonProperty("allowedClasses") @Nullable List<String> allowedClasses,
    @JsonProperty("codec") @Nullable String codec,
    @JsonProperty("compression") @Nullable String compression,
    @JsonProperty("compressAbove") @Nullable String compressAbove,
    @JsonProperty("degradation") @Nullable String degradation,
    @JsonProperty("maxKeyBytes") @Nullable Integer maxKeyBytes,
    @JsonProperty("maxValueBytes") @Nullable Integer maxValueBytes,
    @JsonProperty("expiry") @Nullable ExpirySettings expiry,
    @JsonProperty("storeByValue") @Nullable Boolean storeByValue,
    @JsonProperty("statistics") @Nullable Boolean statistics,
    @JsonProperty("management") @Nullable Boolean management,
    @JsonProperty("readThrough") @Nullable Boolean readThrough,
    @JsonProperty("writeThrough") @Nullable Boolean writeThrough,
    @JsonProperty("loader") @Nullable String loader,
    @JsonProperty("writer") @Nullable String writer,
    @JsonProperty("eventStream") @Nullable EventStreamSettings eventStream,
    @JsonProperty("stampedeLease") @Nullable String stampedeLease,
    @JsonProperty("writeLease") @Nullable String writeLease,
    @JsonProperty("tiers") @Nullable List<TierSettings> tiers,
    @JsonProperty("events") @Nullable String events,
    @JsonProperty("eventsMaxLength") @Nullable Long eventsMaxLength) {

  static final CacheSettings NONE = new CacheSettings(null, null, null, null, null, null, null, null, null,
      null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);

  /** Returns these settings with every field this one leaves out taken from {@code base}. */
  CacheSettings over(CacheSettings base) {
    return new CacheSettings(
        pick(keyType, base.keyType), pick(valueType, base.valueType),
        pick(maximumSize, base.maximumSize), pick(l1MaxTtl, base.l1MaxTtl),
        pick(tiered, base.tiered), pick(allowedClasses, base.allowedClasses),
        pick(codec, base.codec), pick(compression, base.compression), pick(compressAbove, base.compressAbove),
        pick(degradation, base.degradation), pick(maxKeyBytes, base.maxKeyBytes),
        pick(maxValueBytes, base.maxValueBytes),
        pick(expiry, base.expiry), pick(storeByValue, base.storeByValue),
        pick(statistics, base.statistics), pick(management, base.management),
        pick(readThrough, base.readThrough), pick(writeThrough, base.writeThrough),
        pick(loader, base.loader), pick(writer, base.writer), pick(eventStream, base.eventStream),
        pick(stampedeLease, base.stampedeLease), pick(writeLease, base.writeLease), pick(tiers, base.tiers),
        pick(events, base.events), pick(eventsMaxLength, base.eventsMaxLength));
  }

  private static <T> @Nullable T pick(@Nullable T own, @Nullable T base) {
    return (own == null) ? base : own;
  }

  /** A tier below the shared one. */
  record TierSettings(
      @JsonProperty("backend") @Nullable String backend,
      @JsonProperty("ttlScale") @Nullable Integer ttlScale,
      @JsonProperty("promotion") @Nullable String promotion) {}

  /** The stream a cache appends its changes to. */
  record EventStreamSettings(
      @JsonProperty("name") @Nullable String name,
      @JsonProperty("maxLength") @Nullable Long maxLength) {}

  /** The expiry policy of a cache: at most one of the four JSR-107 policies. */
  record ExpirySettings(
      @JsonProperty("created") @Nullable String created,
      @JsonProperty("accessed") @Nullable String accessed,
      @JsonProperty("modified") @Nullable String modified,
      @JsonProperty("touched") @Nullable String touched) {}
}
