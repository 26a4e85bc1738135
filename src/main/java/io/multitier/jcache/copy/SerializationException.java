package io.multitier.jcache.copy;

import javax.cache.CacheException;

/** An object could not be turned into bytes, or bytes back into an object. */
public final class SerializationException extends CacheException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the object or the cause. */
  public SerializationException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception with a message that names the problem. */
  public SerializationException(String message) {
    super(message);
  }
}
