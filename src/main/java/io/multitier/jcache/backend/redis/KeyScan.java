package io.multitier.jcache.backend.redis;

import static io.multitier.jcache.backend.redis.WireValues.BATCH;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RKeys;
import org.redisson.api.RScript.ReturnType;
import org.redisson.api.options.KeysScanOptions;

/**
 * Walks one cache's keys with {@code SCAN} (never {@code KEYS} or {@code FLUSHDB}), {@link #BATCH}
 * at a time: lists them, or unlinks them all and tells the other clients.
 */
final class KeyScan {

  private final CacheLink link;
  private final KeyNamespace namespace;

  KeyScan(CacheLink link) {
    this.link = requireNonNull(link, "link");
    this.namespace = link.namespace();
  }

  /** Returns the cache's keys, without the namespace, read a batch at a time as the iterator goes. */
  Iterator<String> keys() {
    Iterator<String> redisKeys = link.call("keys", () -> scan().iterator());
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return link.call("keys", redisKeys::hasNext);
      }

      @Override
      public String next() {
        return namespace.encodedKey(link.call("keys", redisKeys::next));
      }
    };
  }

  /**
   * Unlinks every key of the cache, then tells the other clients that every key may have changed,
   * even if the unlinking failed part of the way. Under client-side tracking, unlinking the keys
   * tells the clients that read them, and nothing more is sent.
   */
  void clear() {
    RuntimeException failure = unlinkAll();
    if (!link.tracking()) {
      try {
        link.eval("clear", Scripts.NOTIFY_CLEARED, ReturnType.INTEGER, List.<Object>of(namespace.sequenceKey()),
            namespace.channel().getBytes(UTF_8),
            InvalidationMessage.clearAll(link.sender(), namespace.encodedName()).getBytes(UTF_8));
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw link.failed("clear", failure);
    }
  }

  /** Unlinks every key of the cache; returns the failure that stopped it, if one did. */
  private @Nullable RuntimeException unlinkAll() {
    try {
      RKeys rkeys = link.client().getKeys();
      List<String> batch = new ArrayList<>(BATCH);
      for (String redisKey : scan()) {
        batch.add(redisKey);
        if (batch.size() == BATCH) {
          rkeys.unlink(batch.toArray(String[]::new));
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        rkeys.unlink(batch.toArray(String[]::new));
      }
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  private Iterable<String> scan() {
    return link.client().getKeys()
        .getKeys(KeysScanOptions.defaults().pattern(namespace.scanPattern()).chunkSize(BATCH));
  }
}
