package io.multitier.jcache.frameworks.dropin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;

/**
 * A small application written against the JSR-107 API only. What it runs on is its settings: the
 * provider's class name ({@code cache.provider}) and the provider's own configuration file
 * ({@code cache.config}: a class-path resource, or a {@code file:} URI), which declares the caches
 * {@code prices} and {@code products}. Nothing else changes from one provider to another.
 */
public final class Inventory implements AutoCloseable {

  private final CacheManager manager;

  private Inventory(CacheManager manager) {
    this.manager = manager;
  }

  /** Reads the settings from a class-path {@code .properties} resource and opens the caches. */
  public static Inventory open(String settingsResource) {
    Properties settings = new Properties();
    ClassLoader loader = loader();
    try (InputStream in = loader.getResourceAsStream(settingsResource)) {
      if (in == null) {
        throw new IllegalArgumentException("no settings " + settingsResource);
      }
      settings.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return open(settings);
  }

  /** Opens the caches with these settings. */
  public static Inventory open(Properties settings) {
    ClassLoader loader = loader();
    String config = settings.getProperty("cache.config");
    URI uri;
    try {
      if (config.startsWith("file:")) {
        uri = URI.create(config);
      } else {
        URL resource = loader.getResource(config);
        if (resource == null) {
          throw new IllegalArgumentException("no class-path resource " + config);
        }
        uri = resource.toURI();
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
    return new Inventory(Caching.getCachingProvider(settings.getProperty("cache.provider"), loader)
        .getCacheManager(uri, loader));
  }

  /** The application's class loader: the thread's context class loader, as in a container. */
  private static ClassLoader loader() {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return (context == null) ? Inventory.class.getClassLoader() : context;
  }

  /** The JCache CacheManager the application runs on. */
  public CacheManager cacheManager() {
    return manager;
  }

  /** Runs the application's cache work and returns what it saw, line by line. */
  public List<String> run() {
    List<String> out = new ArrayList<>();
    Cache<String, Integer> prices = manager.getCache("prices", String.class, Integer.class);
    Cache<Long, Product> products = manager.getCache("products", Long.class, Product.class);
    prices.clear();
    products.clear();
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    Journal journal = new Journal(events);
    MutableCacheEntryListenerConfiguration<String, Integer> listening = new MutableCacheEntryListenerConfiguration<>(
        new FactoryBuilder.SingletonFactory<>(journal), null, true, true);
    prices.registerCacheEntryListener(listening);
    try {
      prices.put("apple", 50);
      out.add("putIfAbsent apple 99 -> " + prices.putIfAbsent("apple", 99));
      out.add("get apple -> " + prices.get("apple"));
      out.add("replace apple 50->55 -> " + prices.replace("apple", 50, 55));
      out.add("replace apple 50->60 -> " + prices.replace("apple", 50, 60));
      out.add("getAndPut pear 80 -> " + prices.getAndPut("pear", 80));
      out.add("invoke apple +5 -> " + prices.invoke("apple", (entry, arguments) -> {
        entry.setValue(entry.getValue() + (Integer) arguments[0]);
        return entry.getValue();
      }, 5));
      out.add("getAll apple pear plum -> " + new TreeMap<>(prices.getAll(Set.of("apple", "pear", "plum"))));
      out.add("remove pear 81 -> " + prices.remove("pear", 81));
      out.add("remove pear -> " + prices.remove("pear"));
      out.add("containsKey pear -> " + prices.containsKey("pear"));
      out.add("getAndRemove apple -> " + prices.getAndRemove("apple"));
      prices.putAll(Map.of("plum", 30, "fig", 90));
      TreeSet<String> keys = new TreeSet<>();
      prices.forEach(entry -> keys.add(entry.getKey() + "=" + entry.getValue()));
      out.add("entries -> " + keys);
      prices.removeAll();
      out.add("after removeAll, any entry -> " + prices.iterator().hasNext());

      products.put(1L, new Product(1, "Lamp", 3000));
      out.add("product 1 -> " + products.get(1L));
      out.add("product 2 -> " + products.get(2L));
      out.add("replace product 1 -> " + products.replace(1L, new Product(1, "Lamp", 2500)));
      out.add("product 1 -> " + products.get(1L));
    } finally {
      prices.deregisterCacheEntryListener(listening);
    }
    List<String> seen = new ArrayList<>(events);
    // removeAll and putAll raise their events in no set order
    Collections.sort(seen.subList(seen.size() - 4, seen.size()));
    out.add("events -> " + seen);
    return out;
  }

  @Override
  public void close() {
    manager.close();
  }

  /** Writes down every change to the prices, synchronously. */
  static final class Journal implements CacheEntryCreatedListener<String, Integer>,
      CacheEntryUpdatedListener<String, Integer>, CacheEntryRemovedListener<String, Integer> {

    private final List<String> events;

    Journal(List<String> events) {
      this.events = events;
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> batch) {
      batch.forEach(e -> events.add("created " + e.getKey() + "=" + e.getValue()));
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> batch) {
      batch.forEach(e -> events.add("updated " + e.getKey() + " " + e.getOldValue() + "->" + e.getValue()));
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> batch) {
      batch.forEach(e -> events.add("removed " + e.getKey()));
    }
  }
}
