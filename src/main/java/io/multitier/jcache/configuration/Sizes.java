package io.multitier.jcache.configuration;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the sizes of the configuration file: {@code 512}, {@code 512B}, {@code 4KiB}, {@code 1MiB}. */
final class Sizes {

  private static final Pattern FORMAT = Pattern.compile("(\\d{1,10})\\s*(b|kib|mib)?");

  private Sizes() {}

  /** Returns the number of bytes the text names. */
  static int parse(String text, String setting) {
    Matcher matcher = FORMAT.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      throw new IllegalArgumentException(setting + ": '" + text + "' is not a size; write it as 512, 4KiB or 1MiB");
    }
    long bytes = Long.parseLong(matcher.group(1));
    String unit = (matcher.group(2) == null) ? "b" : matcher.group(2);
    bytes *= unit.equals("mib") ? 1024 * 1024 : unit.equals("kib") ? 1024 : 1;
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(setting + ": '" + text + "' is more than 2 GiB");
    }
    return (int) bytes;
  }
}
