package io.multitier.jcache.configuration;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The settings of one cache in the configuration file, or of every cache under {@code defaults}.
 * Each field left out keeps the value from {@code defaults}, then from the built-in defaults.
 */
record CacheSettings(
    @JsonProperty("keyType") String keyType,
    @JsonProperty("valueType") String valueType,
    @JsonProperty("maximumSize") Long maximumSize,
    @JsonProperty("l1MaxTtl") String l1MaxTtl,
    @JsonProperty("tiered") Boolean tiered,
    @JsonProperty("allowedClasses") List<String> allowedClasses,
    @JsonProperty("codec") String codec,
    @JsonProperty("compression") String compression,
    @JsonProperty("compressAbove") String compressAbove,
    @JsonProperty("degradation") String degradation,
    @JsonProperty("maxKeyBytes") Integer maxKeyBytes,
    @JsonProperty("maxValueBytes") Integer maxValueBytes,
    @JsonProperty("expiry") ExpirySettings expiry,
    @JsonProperty("storeByValue") Boolean storeByValue,
    @JsonProperty("statistics") Boolean statistics,
    @JsonProperty("management") Boolean management,
    @JsonProperty("readThrough") Boolean readThrough,
    @JsonProperty("writeThrough") Boolean writeThrough,
    @JsonProperty("loader") String loader,
    @JsonProperty("writer") String writer,
    @JsonProperty("eventStream") EventStreamSettings eventStream,
    @JsonProperty("stampedeLease") String stampedeLease,
    @JsonProperty("writeLease") String writeLease,
    @JsonProperty("tiers") List<TierSettings> tiers,
    @JsonProperty("events") String events,
    @JsonProperty("eventsMaxLength") Long eventsMaxLength) {

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

  private static <T> T pick(T own, T base) {
    return (own == null) ? base : own;
  }

  /** A tier below the shared one. */
  record TierSettings(
      @JsonProperty("backend") String backend,
      @JsonProperty("ttlScale") Integer ttlScale,
      @JsonProperty("promotion") String promotion) {}

  /** The stream a cache appends its changes to. */
  record EventStreamSettings(
      @JsonProperty("name") String name,
      @JsonProperty("maxLength") Long maxLength) {}

  /** The expiry policy of a cache: at most one of the four JSR-107 policies. */
  record ExpirySettings(
      @JsonProperty("created") String created,
      @JsonProperty("accessed") String accessed,
      @JsonProperty("modified") String modified,
      @JsonProperty("touched") String touched) {}
}
