package io.multitier.jcache.backend.redis;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One notice on the invalidation channel that every cache under one key prefix shares, as UTF-8
 * text: {@code K:<sender>:<cache>:<seq>:<key>} for one changed key (the encoded key, without the
 * namespace), {@code M:<sender>:<cache>:<seq>} followed by {@code :<bytes>:<key>} for each key of a
 * bulk write ({@code bytes} the key's length in UTF-8 bytes, as Lua counts it, so a key may hold any
 * character), or {@code C:<sender>:<cache>:<seq>} for "every key of the cache may have changed".
 * The sender is an id without colons, unique to each {@link RedisBackend}; the cache is its
 * percent-encoded name, which has no colons either; {@code seq} is the cache's sequence number that
 * the change advanced to, one per notice however many keys it names, which tells a receiver whether
 * it missed a notice.
 *
 * @param sender the id of the backend that sent it
 * @param cache the encoded name of the cache it concerns, or {@code null} if unreadable (every cache)
 * @param keys the changed keys, or {@code null} for every key
 * @param seq the cache's sequence number after the change, or {@code -1} if the notice has none
 */
record InvalidationMessage(String sender, @Nullable String cache, @Nullable List<String> keys, long seq) {

  private static final InvalidationMessage UNREADABLE = new InvalidationMessage("", null, null, -1);

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
        if (cacheEnd > senderEnd + 1 && seq >= 0) {
          String cache = message.substring(senderEnd + 1, cacheEnd);
          if (message.charAt(0) == 'K') {
            return new InvalidationMessage(sender, cache, List.of(message.substring(seqEnd + 1)), seq);
          }
          List<String> keys = (message.charAt(0) == 'M') ? keys(message, seqEnd) : null;
          if (keys != null) {
            return new InvalidationMessage(sender, cache, keys, seq);
          }
        }
      }
    }
    return UNREADABLE;
  }

  /** Returns the keys of a bulk message, each {@code :<bytes>:<key>} from {@code at}, or {@code null} if malformed. */
  private static @Nullable List<String> keys(String message, int at) {
    List<String> keys = new ArrayList<>();
    int next = at;
    while (next < message.length()) {
      int lengthEnd = (message.charAt(next) == ':') ? message.indexOf(':', next + 1) : -1;
      long bytes = (lengthEnd < 0) ? -1 : number(message, next + 1, lengthEnd);
      int keyEnd = (bytes < 0) ? -1 : endOfUtf8(message, lengthEnd + 1, bytes);
      if (keyEnd < 0) {
        return null;
      }
      keys.add(message.substring(lengthEnd + 1, keyEnd));
      next = keyEnd;
    }
    return keys.isEmpty() ? null : keys;
  }

  /** Returns the index after the characters from {@code start} that take {@code bytes} in UTF-8, or -1 if they do not end there. */
  private static int endOfUtf8(String text, int start, long bytes) {
    long left = bytes;
    int i = start;
    while (left > 0 && i < text.length()) {
      char c = text.charAt(i);
      if (c < 0x80) {
        left -= 1;
      } else if (c < 0x800) {
        left -= 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        left -= 4;
        i++;
      } else {
        left -= 3;
      }
      i++;
    }
    return (left == 0) ? i : -1;
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
