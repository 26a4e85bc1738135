package io.multitier.jcache.backend.redis;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * One notice on the invalidation channel that every cache under one key prefix shares, as UTF-8
 * text: {@code K:<sender>:<cache>:<seq>:<key>} for one changed key (the encoded key, without the
 * namespace) or {@code C:<sender>:<cache>:<seq>} for "every key of the cache may have changed". The
 * sender is an id without colons, unique to each {@link RedisBackend}; the cache is its
 * percent-encoded name, which has no colons either; {@code seq} is the cache's sequence number that
 * the change advanced to, which tells a receiver whether it missed a notice.
 *
 * @param sender the id of the backend that sent it
 * @param cache the encoded name of the cache it concerns, or {@code null} if unreadable (every cache)
 * @param key the changed key, or {@code null} for every key
 * @param seq the cache's sequence number after the change, or {@code -1} if the notice has none
 */
record InvalidationMessage(String sender, @Nullable String cache, @Nullable String key, long seq) {

  InvalidationMessage {
    requireNonNull(sender, "sender");
  }

  /** Returns what precedes the sequence number in a one-key message from the sender about the cache. */
  static String keyHeader(String sender, String encodedCache) {
    return "K:" + sender + ":" + encodedCache + ":";
  }

  /** Returns what precedes the sequence number in the "every key of the cache" message from the sender. */
  static String clearAll(String sender, String encodedCache) {
    return "C:" + sender + ":" + encodedCache;
  }

  /** Parses a message; an unreadable one is taken as "every key of every cache" from an unknown sender. */
  static InvalidationMessage parse(String message) {
    if (message != null && message.length() > 2 && message.charAt(1) == ':') {
      int senderEnd = message.indexOf(':', 2);
      if (senderEnd > 2) {
        String sender = message.substring(2, senderEnd);
        int cacheEnd = message.indexOf(':', senderEnd + 1);
        if (message.charAt(0) == 'C' && cacheEnd > senderEnd + 1) {
          return new InvalidationMessage(sender, message.substring(senderEnd + 1, cacheEnd), null,
              number(message, cacheEnd + 1, message.length()));
        }
        int seqEnd = (cacheEnd < 0) ? -1 : message.indexOf(':', cacheEnd + 1);
        long seq = (seqEnd < 0) ? -1 : number(message, cacheEnd + 1, seqEnd);
        if (message.charAt(0) == 'K' && cacheEnd > senderEnd + 1 && seq >= 0) {
          return new InvalidationMessage(sender, message.substring(senderEnd + 1, cacheEnd),
              message.substring(seqEnd + 1), seq);
        }
      }
    }
    return new InvalidationMessage("", null, null, -1);
  }

  private static long number(String text, int start, int end) {
    if (start >= end || end - start > 18) {
      return -1;
    }
    long value = 0;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
