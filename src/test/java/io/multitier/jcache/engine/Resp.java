package io.multitier.jcache.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny RESP client for the writers, loaders and barriers of these tests, which run in every JVM
 * of a test and so cannot use the parent's {@link io.multitier.jcache.testing.RedisServer}: one
 * short connection per command to the Redis server whose port the system property {@value #PORT}
 * names. Replies: {@link String}, {@link Long}, {@link List}, or {@code null}.
 */
final class Resp {

  /** The system property naming the port of the test's redis-server, in every JVM of the test. */
  static final String PORT = "engine.redis.port";

  private static final int TIMEOUT_MILLIS = 10_000;

  private Resp() {}

  /** Sends one command to the server the system property names. */
  static Object call(String... command) {
    String port = System.getProperty(PORT);
    if (port == null) {
      throw new IllegalStateException("the system property " + PORT + " names no redis-server port");
    }
    return call(Integer.parseInt(port), command);
  }

  /** Sends one command on a fresh connection to the server at the port. */
  static Object call(int port, String... command) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(("*" + command.length + "\r\n").getBytes(UTF_8));
      for (String part : command) {
        byte[] bytes = part.getBytes(UTF_8);
        request.writeBytes(("$" + bytes.length + "\r\n").getBytes(UTF_8));
        request.writeBytes(bytes);
        request.writeBytes("\r\n".getBytes(UTF_8));
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toByteArray());
      out.flush();
      return read(new BufferedInputStream(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server on port " + port + " did not answer " + command[0], e);
    }
  }

  /**
   * Waits until {@code parties} callers (one per JVM) have reached the barrier of this name, counted
   * in Redis, so that the JVMs of a test start their contending threads together.
   */
  static void barrier(String name, int parties) {
    call("INCR", name);
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).pollDelay(Duration.ZERO)
        .until(() -> Long.parseLong((String) call("GET", name)) >= parties);
  }

  private static Object read(InputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IllegalStateException("redis-server answered an error: " + line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        byte[] bytes = in.readNBytes(length + 2);
        return new String(bytes, 0, length, UTF_8);
      }
      case '*': {
        int count = Integer.parseInt(line);
        if (count < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          items.add(read(in));
        }
        return items;
      }
      default:
        throw new IOException("unexpected RESP reply type " + type);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\r'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed mid-reply");
      }
      line.write(b);
    }
    in.read();
    return line.toString(UTF_8);
  }
}
