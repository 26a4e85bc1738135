package io.multitier.jcache.tiered;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Objects;

/**
 * A value whose deserialization can be made slow, standing in for a large object graph or a GC
 * pause between Redis answering a read and the reader filling its L1.
 */
final class SlowValue implements Serializable {

  private static final long serialVersionUID = 1L;

  /** How long each deserialization takes; 0 for no delay. */
  static volatile long decodeMillis;

  private final String text;

  SlowValue(String text) {
    this.text = text;
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    long millis = decodeMillis;
    if (millis > 0) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SlowValue && Objects.equals(text, ((SlowValue) o).text);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(text);
  }

  @Override
  public String toString() {
    return "SlowValue[" + text + "]";
  }
}
