package io.multitier.jcache.management;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.jspecify.annotations.Nullable;

/**
 * Registers the MXBeans of caches in the platform MBean server under the names JSR-107 tools
 * expect: {@code javax.cache:type=CacheConfiguration|CacheStatistics,CacheManager=<uri>,Cache=<name>}.
 *
 * <p>Like the reference implementation, {@code , : = \n} in the URI and name become {@code .}; a
 * name that still is not a legal value, or that would clash with another cache's, is quoted
 * instead, so any cache name can be registered.
 */
public final class JmxRegistration {

  /** The two MXBeans of a cache. */
  public enum MBeanType {
    /** The configuration bean, {@code type=CacheConfiguration}. */
    Configuration,
    /** The statistics bean, {@code type=CacheStatistics}. */
    Statistics
  }

  private static final Map<Object, ObjectName> registered = new ConcurrentHashMap<>();

  private JmxRegistration() {}

  /** Registers the bean of the cache, if not already registered. */
  public static synchronized void register(Cache<?, ?> cache, Object mbean, MBeanType type) {
    Key key = new Key(cache, type);
    if (registered.containsKey(key)) {
      return;
    }
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = objectName(cache, type, false);
    try {
      try {
        server.registerMBean(mbean, name);
      } catch (InstanceAlreadyExistsException clash) {
        name = objectName(cache, type, true);
        server.registerMBean(mbean, name);
      }
      registered.put(key, name);
    } catch (JMException e) {
      throw new CacheException("Cannot register the " + type + " MXBean of cache '"
          + cache.getName() + "' as " + name + ": " + e, e);
    }
  }

  /** Unregisters the bean of the cache, if registered. */
  public static synchronized void unregister(Cache<?, ?> cache, MBeanType type) {
    ObjectName name = registered.remove(new Key(cache, type));
    if (name == null) {
      return;
    }
    try {
      ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
    } catch (InstanceNotFoundException alreadyGone) {
      // unregistered by someone else: nothing left to do
    } catch (JMException e) {
      throw new CacheException("Cannot unregister " + name + ": " + e, e);
    }
  }

  private static ObjectName objectName(Cache<?, ?> cache, MBeanType type, boolean quoteAlways) {
    String manager = cache.getCacheManager().getURI().toString();
    String name = cache.getName();
    try {
      return new ObjectName("javax.cache:type=Cache" + type + ",CacheManager="
          + value(manager, quoteAlways) + ",Cache=" + value(name, quoteAlways));
    } catch (MalformedObjectNameException e) {
      throw new CacheException("No MXBean name fits cache '" + name + "': " + e, e);
    }
  }

  private static String value(String raw, boolean quoteAlways) {
    String safe = raw.replaceAll(",|:|=|\n", ".");
    boolean legal = !safe.isEmpty() && safe.chars().noneMatch(c -> c == '*' || c == '?' || c == '"'
        || c == '\\');
    return (legal && !quoteAlways) ? safe : ObjectName.quote(raw);
  }

  /** A cache and bean type, compared by cache identity. */
  private record Key(Cache<?, ?> cache, MBeanType type) {
    @Override
    public boolean equals(@Nullable Object o) {
      return (o instanceof Key) && ((Key) o).cache == cache && ((Key) o).type == type;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(cache) * 31 + type.hashCode();
    }
  }
}
