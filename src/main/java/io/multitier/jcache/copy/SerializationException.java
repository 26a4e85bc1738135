package io.multitier.jcache.copy;

import javax.cache.CacheException;

/** An object could not be turned into bytes, or bytes back into an object. */
public final class SerializationException extends CacheException {

  private static final long serialVersionUID = 1L;

  private final String refusedClass;

  /** Creates the exception with a message that names the object or the cause. */
  public SerializationException(String message, Throwable cause) {
    this(message, cause, null);
  }

  /** Creates the exception with a message that names the problem. */
  public SerializationException(String message) {
    super(message);
    this.refusedClass = null;
  }

  /** Creates the exception of bytes refused because they hold a class outside the allow-list. */
  SerializationException(String message, Throwable cause, String refusedClass) {
    super(message, cause);
    this.refusedClass = refusedClass;
  }

  /** Returns the class the allow-list refused, or {@code null} when the bytes failed for another reason. */
  public String refusedClass() {
    return refusedClass;
  }
}
