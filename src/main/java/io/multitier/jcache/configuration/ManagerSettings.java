package io.multitier.jcache.configuration;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.multitier.jcache.configuration.CacheSettings.ExpirySettings;
import io.multitier.jcache.copy.Codec;
import io.multitier.jcache.copy.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.cache.CacheException;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.jspecify.annotations.Nullable;

/**
 * What a CacheManager reads from the YAML file its URI names: where the shared tier is, settings
 * for every cache, and caches declared by name. See {@code docs/configuration.md}.
 *
 * <p>The URI {@code classpath:path} names a class-path resource, {@code file:path} a file and
 * {@code jar:file:…!/path} a file inside a jar (as frameworks resolve a packaged resource); each
 * must exist. Any other URI (the default one among them) is only a name, and its CacheManager
 * reads the system-wide file: the one the system property {@value #CONFIG_PROPERTY} names, else the
 * class-path resource {@value #DEFAULT_RESOURCE} if there is one, else none.
 */
public final class ManagerSettings {

  /** The system property that names the default CacheManager's configuration file. */
  public static final String CONFIG_PROPERTY = "multitier.config";

  /** The class-path resource the default CacheManager reads when the property is not set. */
  public static final String DEFAULT_RESOURCE = "multitier.yaml";

  private final ClassLoader classLoader;
  private final @Nullable RedisSettings redis;
  private final CacheSettings defaults;
  private final Map<String, CacheSettings> caches;
  private final String source;

  private ManagerSettings(ClassLoader classLoader, @Nullable RedisSettings redis, CacheSettings defaults,
      Map<String, CacheSettings> caches, String source) {
    this.classLoader = classLoader;
    this.redis = redis;
    this.defaults = defaults;
    this.caches = caches;
    this.source = source;
  }

  /** Returns the settings of no file: the built-in defaults. */
  public static ManagerSettings empty(ClassLoader classLoader) {
    return new ManagerSettings(classLoader, null, CacheSettings.NONE, Map.of(), "built-in defaults");
  }

  /** Reads the settings for a CacheManager's URI; throws {@link CacheException} naming the file and the fault. */
  public static ManagerSettings forUri(URI uri, ClassLoader classLoader) {
    requireNonNull(uri, "uri");
    requireNonNull(classLoader, "classLoader");
    if ("classpath".equals(uri.getScheme())) {
      String path = uri.getSchemeSpecificPart().replaceFirst("^/+", "");
      URL resource = classLoader.getResource(path);
      if (resource == null) {
        throw new CacheException("No configuration file at " + uri + ": the class path has no resource '" + path + "'");
      }
      return read(resource, uri.toString(), classLoader);
    }
    if ("file".equals(uri.getScheme()) || "jar".equals(uri.getScheme())) {
      try {
        return read(uri.toURL(), uri.toString(), classLoader);
      } catch (IOException e) {
        throw new CacheException("Cannot read the configuration file " + uri + ": " + e, e);
      }
    }
    String configured = System.getProperty(CONFIG_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      URI file = URI.create(configured.strip());
      if (!"classpath".equals(file.getScheme()) && !"file".equals(file.getScheme())) {
        throw new CacheException("The system property " + CONFIG_PROPERTY + " must name a classpath: or file: URI, not '" + configured + "'");
      }
      return forUri(file, classLoader);
    }
    URL resource = classLoader.getResource(DEFAULT_RESOURCE);
    return (resource == null) ? empty(classLoader) : read(resource, "classpath:" + DEFAULT_RESOURCE, classLoader);
  }

  /** Reads the settings from YAML text. */
  public static ManagerSettings parse(String yaml, String source, ClassLoader classLoader) {
    ObjectMapper mapper = mapper();
    try {
      return of(mapper, mapper.readTree(yaml), source, classLoader);
    } catch (IOException e) {
      throw invalid(source, e);
    }
  }

  private static ManagerSettings read(URL url, String source, ClassLoader classLoader) {
    ObjectMapper mapper = mapper();
    JsonNode tree;
    InputStream in;
    try {
      in = url.openStream();
    } catch (IOException e) {
      throw new CacheException("Cannot read the configuration file " + source + ": " + e, e);
    }
    try (in) {
      tree = mapper.readTree(in);
    } catch (IOException e) {
      throw invalid(source, e);
    }
    return of(mapper, tree, source, classLoader);
  }

  private static ManagerSettings of(ObjectMapper mapper, @Nullable JsonNode tree, String source, ClassLoader classLoader) {
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return empty(classLoader);
    }
    SettingNames.check(tree, source);
    FileModel model;
    try {
      model = mapper.treeToValue(tree, FileModel.class);
    } catch (IOException e) {
      throw invalid(source, e);
    }
    CacheSettings defaults = (model.defaults == null) ? CacheSettings.NONE : model.defaults;
    Map<String, CacheSettings> caches = new LinkedHashMap<>();
    if (model.caches != null) {
      model.caches.forEach((name, settings) ->
          caches.put(name, (settings == null) ? defaults : settings.over(defaults)));
    }
    ManagerSettings settings = new ManagerSettings(classLoader, model.redis, defaults,
        Collections.unmodifiableMap(caches), source);
    settings.caches.forEach((name, cache) -> settings.build(name, cache, Object.class, Object.class));
    settings.build("defaults", defaults, Object.class, Object.class);
    return settings;
  }

  /** Returns the error of a file that could not be read: the file, the setting's place and the problem, without Jackson's class names. */
  private static CacheException invalid(String source, IOException e) {
    if (!(e instanceof JsonMappingException)) {
      String problem = (e instanceof JsonProcessingException) ? ((JsonProcessingException) e).getOriginalMessage() : e.toString();
      JsonLocation location = (e instanceof JsonProcessingException) ? ((JsonProcessingException) e).getLocation() : null;
      return new CacheException("Invalid configuration in " + source
          + ((location == null || location.getLineNr() < 1) ? "" : ", line " + location.getLineNr()) + ": " + problem, e);
    }
    JsonMappingException mapping = (JsonMappingException) e;
    StringBuilder place = new StringBuilder();
    List<JsonMappingException.Reference> path = mapping.getPath();
    for (int i = 0; i < path.size(); i++) {
      JsonMappingException.Reference step = path.get(i);
      if (i == 1 && "caches".equals(path.get(0).getFieldName())) {
        place.setLength(0);
        place.append("cache '").append(step.getFieldName()).append("', ");
        continue;
      }
      if (step.getFieldName() != null) {
        place.append(step.getFieldName()).append('.');
      } else if (step.getIndex() >= 0) {
        place.append('[').append(step.getIndex()).append("].");
      }
    }
    Throwable cause = mapping.getCause();
    if (mapping instanceof ValueInstantiationException && cause != null && cause.getMessage() != null) {
      // the settings' own checks name the setting
      return new CacheException("Invalid configuration in " + source + ": " + cause.getMessage(), e);
    }
    String where = (place.length() == 0) ? "" : place.substring(0, place.length() - 1) + ": ";
    return new CacheException("Invalid configuration in " + source + ": " + where + mapping.getOriginalMessage(), e);
  }

  private static ObjectMapper mapper() {
    return new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  }

  /** Returns where the shared tier is, if the file names one. */
  public Optional<RedisSettings> redis() {
    return Optional.ofNullable(redis);
  }

  /** Returns the names of the caches the file declares, in file order. */
  public Set<String> declaredCaches() {
    return caches.keySet();
  }

  /** Returns where these settings were read from. */
  public String source() {
    return source;
  }

  /** Returns the complete configuration of a cache the file declares. */
  public MultiTierConfiguration<Object, Object> declared(String cacheName) {
    CacheSettings settings = caches.get(cacheName);
    if (settings == null) {
      throw new IllegalArgumentException("The configuration file " + source + " declares no cache '" + cacheName + "'");
    }
    return build(cacheName, settings, Object.class, Object.class);
  }

  /**
   * Returns the configuration of a cache created in code: the JCache settings are the given ones,
   * except that {@code statistics: true} and {@code management: true} in the file turn those on
   * (they change what is observed, not what the cache holds); the vendor settings (L1 size, L1
   * time to live, tiers, allowed classes, degradation policy, size limits) come from the file, for
   * this cache name if it declares it, else from its defaults. A {@link MultiTierConfiguration} is
   * taken as it is.
   */
  public <K, V> MultiTierConfiguration<K, V> forCreated(String cacheName, CompleteConfiguration<K, V> given) {
    MultiTierConfiguration<K, V> config = new MultiTierConfiguration<>(given);
    if (given instanceof MultiTierConfiguration) {
      return config;
    }
    CacheSettings settings = caches.getOrDefault(cacheName, defaults);
    applyVendorSettings(config, settings, cacheName);
    if (Boolean.TRUE.equals(settings.statistics())) {
      config.setStatisticsEnabled(true);
    }
    if (Boolean.TRUE.equals(settings.management())) {
      config.setManagementEnabled(true);
    }
    return config;
  }

  private <K, V> MultiTierConfiguration<K, V> build(String cacheName, CacheSettings settings,
      Class<K> keyFallback, Class<V> valueFallback) {
    String where = source + ", cache '" + cacheName + "'";
    MultiTierConfiguration<K, V> config = new MultiTierConfiguration<>();
    config.setTypes(type(settings.keyType(), keyFallback, where), type(settings.valueType(), valueFallback, where));
    applyVendorSettings(config, settings, cacheName);
    if (settings.expiry() != null) {
      config.setExpiryPolicyFactory(expiry(settings.expiry(), where));
    }
    if (settings.storeByValue() != null) {
      config.setStoreByValue(settings.storeByValue());
    }
    if (settings.statistics() != null) {
      config.setStatisticsEnabled(settings.statistics());
    }
    if (settings.management() != null) {
      config.setManagementEnabled(settings.management());
    }
    if (settings.readThrough() != null) {
      config.setReadThrough(settings.readThrough());
    }
    if (settings.writeThrough() != null) {
      config.setWriteThrough(settings.writeThrough());
    }
    if (settings.loader() != null) {
      config.setCacheLoaderFactory(FactoryBuilder.factoryOf(settings.loader()));
    }
    if (settings.writer() != null) {
      config.setCacheWriterFactory(FactoryBuilder.factoryOf(settings.writer()));
    }
    return config;
  }

  private void applyVendorSettings(MultiTierConfiguration<?, ?> config, CacheSettings settings, String cacheName) {
    String where = source + ", cache '" + cacheName + "'";
    try {
      if (settings.maximumSize() != null) {
        config.setMaximumSize(settings.maximumSize());
      }
      if (settings.l1MaxTtl() != null) {
        Duration ttl = Durations.parse(settings.l1MaxTtl(), "l1MaxTtl");
        config.setL1MaxTtl((ttl == null) ? io.multitier.jcache.spi.Ttl.ETERNAL : ttl);
      }
      if (settings.tiered() != null) {
        config.setTiered(settings.tiered());
      }
      if (settings.allowedClasses() != null) {
        config.setAllowedClasses(settings.allowedClasses());
      }
      if (settings.codec() != null) {
        config.setCodec(choice(settings.codec(), Codec::parse, Codec.names()));
      }
      if (settings.compression() != null || settings.compressAbove() != null) {
        Compression compression = (settings.compression() == null) ? Compression.NONE
            : choice(settings.compression(), Compression::parse, Compression.names());
        config.setCompression(compression, (settings.compressAbove() == null)
            ? MultiTierConfiguration.DEFAULT_COMPRESS_ABOVE : Sizes.parse(settings.compressAbove(), "compressAbove"));
      }
      if (settings.tiers() != null) {
        for (CacheSettings.TierSettings tier : settings.tiers()) {
          config.addLowerTier(new TierSpec(requireNonNull(tier.backend(), "backend"),
              (tier.ttlScale() == null) ? 1 : tier.ttlScale(), (tier.promotion() == null) ? "always" : tier.promotion()));
        }
      }
      if (settings.stampedeLease() != null) {
        config.setStampedeLease(Durations.finite(settings.stampedeLease(), "stampedeLease"));
      }
      if (settings.writeLease() != null) {
        config.setWriteLease(Durations.finite(settings.writeLease(), "writeLease"));
      }
      if (settings.eventStream() != null) {
        if (settings.eventStream().name() == null) {
          throw new IllegalArgumentException("eventStream needs a name");
        }
        config.setEventStream(settings.eventStream().name(), (settings.eventStream().maxLength() == null)
            ? MultiTierConfiguration.DEFAULT_EVENT_STREAM_MAX_LENGTH : settings.eventStream().maxLength());
      }
      if (settings.events() != null) {
        switch (settings.events()) {
          case "local": config.setClusterEvents(false); break;
          case "cluster": config.setClusterEvents(true); break;
          default: throw new IllegalArgumentException("events must be 'local' (listeners hear this JVM's changes) or "
              + "'cluster' (every JVM's), not '" + settings.events() + "'");
        }
      }
      if (settings.eventsMaxLength() != null) {
        config.setClusterEventsMaxLength(settings.eventsMaxLength());
      }
      if (settings.degradation() != null) {
        config.setDegradation(DegradationPolicy.parse(settings.degradation()));
      }
      if (settings.maxKeyBytes() != null) {
        config.setMaxKeyBytes(settings.maxKeyBytes());
      }
      if (settings.maxValueBytes() != null) {
        config.setMaxValueBytes(settings.maxValueBytes());
      }
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new CacheException("Invalid configuration in " + where + ": " + e.getMessage(), e);
    }
  }

  /** Returns the choice the name parses to; a misspelt one names the choice it resembles. */
  private static <T> T choice(String name, Function<String, T> parse, List<String> names) {
    try {
      return parse.apply(name);
    } catch (IllegalArgumentException e) {
      String closest = SettingNames.closest(name.strip(), names);
      throw new IllegalArgumentException(e.getMessage() + ((closest == null) ? "" : " (did you mean '" + closest + "'?)"), e);
    }
  }

  @SuppressWarnings("unchecked")
  private <T> Class<T> type(@Nullable String name, Class<T> fallback, String where) {
    if (name == null) {
      return fallback;
    }
    try {
      return (Class<T>) Class.forName(name, false, classLoader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new CacheException("Invalid configuration in " + where + ": no class " + name, e);
    }
  }

  private static Factory<? extends ExpiryPolicy> expiry(ExpirySettings expiry, String where) {
    Map<String, String> given = new LinkedHashMap<>();
    given.put("created", expiry.created());
    given.put("accessed", expiry.accessed());
    given.put("modified", expiry.modified());
    given.put("touched", expiry.touched());
    given.values().removeIf(value -> value == null);
    if (given.size() != 1) {
      throw new CacheException("Invalid configuration in " + where
          + ": expiry takes exactly one of created, accessed, modified, touched; found " + given.keySet());
    }
    Map.Entry<String, String> policy = given.entrySet().iterator().next();
    javax.cache.expiry.Duration duration;
    try {
      duration = Durations.toJCache(Durations.parse(policy.getValue(), "expiry." + policy.getKey()));
    } catch (IllegalArgumentException e) {
      throw new CacheException("Invalid configuration in " + where + ": " + e.getMessage(), e);
    }
    switch (policy.getKey()) {
      case "created": return CreatedExpiryPolicy.factoryOf(duration);
      case "accessed": return AccessedExpiryPolicy.factoryOf(duration);
      case "modified": return ModifiedExpiryPolicy.factoryOf(duration);
      default: return TouchedExpiryPolicy.factoryOf(duration);
    }
  }

  /** The top level of the file; a {@code null} field is one the file leaves out. */
  static final class FileModel {
    @JsonProperty("redis") @Nullable RedisSettings redis;
    @JsonProperty("defaults") @Nullable CacheSettings defaults;
    @JsonProperty("caches") @Nullable Map<String, CacheSettings> caches;
  }
}
