package io.multitier.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The redis-server that bench/run.sh started ({@code -Dbench.redis=redis://127.0.0.1:PORT}), and a
 * tiny RESP client for admin commands (FLUSHALL, CONFIG RESETSTAT, INFO, MONITOR), one connection per
 * command, so they never share a connection with the contenders.
 */
public final class Redis {

  private Redis() {}

  /** Redisson's form of the address, {@code redis://127.0.0.1:PORT}. */
  public static String address() {
    String address = System.getProperty("bench.redis");
    if (address == null || address.isEmpty()) {
      throw new IllegalStateException("set -Dbench.redis=redis://127.0.0.1:PORT (bench/run.sh does)");
    }
    return address;
  }

  static InetSocketAddress socketAddress() {
    URI uri = URI.create(address());
    return new InetSocketAddress(uri.getHost(), uri.getPort());
  }

  public static Object call(String... command) {
    try (Socket socket = new Socket()) {
      socket.connect(socketAddress(), 5_000);
      socket.setSoTimeout(60_000);
      send(socket.getOutputStream(), command);
      return read(new BufferedInputStream(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Calls per command since the last CONFIG RESETSTAT, from INFO commandstats, less info and config. */
  public static Map<String, Long> commandStats() {
    String info = (String) call("INFO", "commandstats");
    Map<String, Long> calls = new LinkedHashMap<>();
    for (String line : info.split("\r\n")) {
      if (!line.startsWith("cmdstat_")) {
        continue;
      }
      int colon = line.indexOf(':');
      String command = line.substring("cmdstat_".length(), colon);
      if (command.equals("info") || command.startsWith("config")) {
        continue;
      }
      for (String field : line.substring(colon + 1).split(",")) {
        if (field.startsWith("calls=")) {
          calls.put(command, Long.parseLong(field.substring("calls=".length())));
        }
      }
    }
    return calls;
  }

  static void send(OutputStream out, String... command) throws IOException {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(("*" + command.length + "\r\n").getBytes(UTF_8));
    for (String part : command) {
      byte[] bytes = part.getBytes(UTF_8);
      request.writeBytes(("$" + bytes.length + "\r\n").getBytes(UTF_8));
      request.writeBytes(bytes);
      request.writeBytes("\r\n".getBytes(UTF_8));
    }
    out.write(request.toByteArray());
    out.flush();
  }

  static Object read(InputStream in) throws IOException {
    int type = in.read();
    String line = readLine(in);
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
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          items.add(read(in));
        }
        return items;
      }
      default:
        throw new IOException("unexpected RESP type " + type);
    }
  }

  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\r'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed");
      }
      line.write(b);
    }
    in.read();
    return line.toString(UTF_8);
  }
}
