package io.multitier.jcache.copy;

import javax.cache.CacheException;
import org.jspecify.annotations.Nullable;

/** An object could not be turned into bytes, or bytes back into an object. */
public final class SerializationException extends CacheException {

  private static final long serialVersionUID = 1L;

  private final @Nullable String refusedClass;
  private final @Nullable String foreignCodec;

  /** Creates the exception with a message that names the object or the cause. */
  public SerializationException(String message, Throwable cause) {
    super(message, cause);
    this.refusedClass = null;
    this.foreignCodec = null;
  }

  /** Creates the exception with a message that names the problem. */
  public SerializationException(String message) {
    super(message);
    this.refusedClass = null;
    this.foreignCodec = null;
  }

  /** Creates the exception of bytes refused because they hold a class outside the allow-list; the cause may be {@code null}. */
  SerializationException(String message, @Nullable Throwable cause, String refusedClass) {
    super(message, cause);
    this.refusedClass = refusedClass;
    this.foreignCodec = null;
  }

  /** Creates the exception of bytes another codec wrote. */
  private SerializationException(String message, String foreignCodec) {
    super(message);
    this.refusedClass = null;
    this.foreignCodec = foreignCodec;
  }

  /** Returns the exception of bytes that the codec of this name wrote, which the reading cache does not use. */
  static SerializationException foreign(String message, Codec codec) {
    return new SerializationException(message, codec.toString());
  }

  /** Returns the class the allow-list refused, or {@code null} when the bytes failed for another reason. */
  public @Nullable String refusedClass() {
    return refusedClass;
  }

  /** Returns the codec that wrote bytes this cache's codec does not read, or {@code null} when the bytes failed for another reason. */
  public @Nullable String foreignCodec() {
    return foreignCodec;
  }
}
