package io.multitier.jcache.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback address that drops every new connection's packets, as a host that is down or a
 * firewall does: no reset comes back, so a connect waits until its own timeout. It is a listening
 * socket that never accepts, whose accept queue is filled first; Linux then drops the SYNs that
 * come (needs no root, unlike an {@code iptables} DROP rule).
 */
public final class BlackHole implements AutoCloseable {

  private static final int PROBE_MILLIS = 300;
  private static final int MOST_QUEUED = 64;

  private final ServerSocket listening;
  private final List<Socket> queued = new ArrayList<>();

  private BlackHole() throws IOException {
    listening = new ServerSocket();
    listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
  }

  /** Opens the black hole and checks that a connect to it times out. */
  public static BlackHole open() {
    try {
      BlackHole hole = new BlackHole();
      hole.fill();
      return hole;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the address in Redisson's form, {@code redis://127.0.0.1:PORT}. */
  public String address() {
    return "redis://127.0.0.1:" + listening.getLocalPort();
  }

  private void fill() throws IOException {
    while (queued.size() < MOST_QUEUED) {
      Socket socket = new Socket();
      try {
        socket.connect(listening.getLocalSocketAddress(), PROBE_MILLIS);
        queued.add(socket);
      } catch (SocketTimeoutException dropped) {
        socket.close();
        return;
      }
    }
    close();
    throw new IllegalStateException("the accept queue did not fill up after " + MOST_QUEUED + " connections");
  }

  @Override
  public void close() {
    try {
      for (Socket socket : queued) {
        socket.close();
      }
      listening.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
