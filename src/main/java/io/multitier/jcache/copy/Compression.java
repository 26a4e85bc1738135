package io.multitier.jcache.copy;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;

/** Whether values above a size are compressed before they go to the shared tier: {@code none} or {@code deflate} (the JDK's). */
public enum Compression {
  NONE,
  DEFLATE;

  /** Returns the names of the choices, as the configuration file spells them. */
  public static List<String> names() {
    return List.of("none", "deflate");
  }

  /** Returns the compression of this name, in any case; throws {@link IllegalArgumentException} naming the choices otherwise. */
  public static Compression parse(String name) {
    requireNonNull(name, "compression");
    for (Compression compression : values()) {
      if (compression.toString().equals(name.strip().toLowerCase(Locale.ROOT))) {
        return compression;
      }
    }
    throw new IllegalArgumentException("compression must be one of " + String.join(", ", names()) + ", not '" + name + "'");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
