package io.multitier.jcache.tiered;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Map;
import javax.cache.integration.CacheLoader;

/**
 * A slow loader (half a second a key, like a busy database) that counts its calls in Redis, with
 * {@code INCR loads:<key>} on the server whose port the system property {@value #PORT} names, so
 * that calls from every JVM add up in one place.
 */
public final class CountingSlowLoader implements CacheLoader<String, String> {

  static final String PORT = "stampede.redis.port";

  @Override
  public String load(String key) {
    incr("loads:" + key);
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "loaded-" + key;
  }

  @Override
  public Map<String, String> loadAll(Iterable<? extends String> keys) {
    throw new UnsupportedOperationException("only single loads are counted");
  }

  private static void incr(String counter) {
    int port = Integer.parseInt(System.getProperty(PORT));
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("*2\r\n$4\r\nINCR\r\n$" + counter.getBytes(UTF_8).length + "\r\n" + counter + "\r\n").getBytes(UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      int first = in.read();
      if (first != ':') {
        throw new IllegalStateException("INCR answered " + (char) first);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
