package io.multitier.jcache.backend.redis;

import static java.util.Objects.requireNonNull;

/**
 * One notice on a cache's invalidation channel, as UTF-8 text: {@code K:<sender>:<key>} for one
 * changed key (the encoded key, without the namespace) or {@code C:<sender>} for "every key may
 * have changed". The sender is an id without colons, unique to each {@link RedisBackend}.
 *
 * @param sender the id of the backend that sent it
 * @param key the changed key, or {@code null} for every key
 */
record InvalidationMessage(String sender, String key) {

  InvalidationMessage {
    requireNonNull(sender, "sender");
  }

  /** Returns what precedes the key in a one-key message from the sender. */
  static String keyHeader(String sender) {
    return "K:" + sender + ":";
  }

  /** Returns the "every key" message from the sender. */
  static String clearAll(String sender) {
    return "C:" + sender;
  }

  /** Parses a message; an unreadable one is taken as "every key" from an unknown sender. */
  static InvalidationMessage parse(String message) {
    if (message != null && message.length() > 2 && message.charAt(1) == ':') {
      if (message.charAt(0) == 'C') {
        return new InvalidationMessage(message.substring(2), null);
      }
      int end = message.indexOf(':', 2);
      if (message.charAt(0) == 'K' && end > 2) {
        return new InvalidationMessage(message.substring(2, end), message.substring(end + 1));
      }
    }
    return new InvalidationMessage("", null);
  }

  /** Returns whether the message means "every key may have changed". */
  boolean isClearAll() {
    return key == null;
  }
}
