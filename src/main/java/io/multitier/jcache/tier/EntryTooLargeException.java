package io.multitier.jcache.tier;

/**
 * A key or value is over the size limit of a tiered cache ({@code maxKeyBytes}, {@code maxValueBytes},
 * measured in the encoded form sent to Redis); it was refused before anything was written.
 */
public final class EntryTooLargeException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming the size and the limit. */
  public EntryTooLargeException(String message) {
    super(message);
  }
}
