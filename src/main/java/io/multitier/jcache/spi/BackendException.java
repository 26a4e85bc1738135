package io.multitier.jcache.spi;

/** A tier could not carry out an operation: it is unreachable, timed out or answered with an error. */
public class BackendException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the tier and the operation. */
  public BackendException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception with a message that names the tier and the operation. */
  public BackendException(String message) {
    super(message);
  }
}
