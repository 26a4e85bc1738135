package io.multitier.jcache.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Captures what this JVM writes to {@code System.err} (where slf4j-simple logs) until closed. */
public final class CapturedStderr implements AutoCloseable {

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  private CapturedStderr() {
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  /** Starts capturing. */
  public static CapturedStderr start() {
    return new CapturedStderr();
  }

  /** Returns what was written so far. */
  public String text() {
    return captured.toString(StandardCharsets.UTF_8);
  }

  /** Returns the lines written so far that contain {@code part}. */
  public List<String> lines(String part) {
    return text().lines().filter(line -> line.contains(part)).toList();
  }

  @Override
  public void close() {
    System.setErr(original);
    original.print(text());
  }
}
