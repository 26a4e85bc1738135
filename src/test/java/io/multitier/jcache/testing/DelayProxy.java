package io.multitier.jcache.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on a free loopback port that holds every chunk of bytes for a fixed time in each
 * direction before passing it on, in order: the network between two machines of one zone
 * (about 250 µs each way) in front of a loopback redis-server. Each connection gets a reader and a
 * writer thread per direction; a chunk leaves no earlier than its arrival plus the delay.
 */
public final class DelayProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final long delayNanos;
  private final boolean fragmenting;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private DelayProxy(InetSocketAddress target, long delayNanos, boolean fragmenting) throws IOException {
    this.target = target;
    this.delayNanos = delayNanos;
    this.fragmenting = fragmenting;
    this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    daemon("delay-proxy-accept", this::accept).start();
  }

  /** Starts a proxy to {@code host:port} that delays each direction by {@code delayMicros}. */
  public static DelayProxy start(String host, int port, long delayMicros) {
    try {
      return new DelayProxy(new InetSocketAddress(host, port), TimeUnit.MICROSECONDS.toNanos(delayMicros), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a proxy to {@code host:port} that adds no delay but passes what the server sends on one
   * byte at a time, each in a write of its own: a client then decodes every reply from pieces, as
   * it does now and then on a busy machine.
   */
  public static DelayProxy fragmenting(String host, int port) {
    try {
      return new DelayProxy(new InetSocketAddress(host, port), 0, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the proxy's address in Redisson's form, {@code redis://127.0.0.1:PORT}. */
  public String address() {
    return "redis://127.0.0.1:" + listener.getLocalPort();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(target);
        for (Socket socket : List.of(client, server)) {
          socket.setTcpNoDelay(true);
          sockets.add(socket);
        }
        pump(client, server, "up");
        pump(server, client, "down");
      } catch (IOException e) {
        if (!closed) {
          System.err.println("delay proxy: " + e);
        }
      }
    }
  }

  private void pump(Socket from, Socket to, String direction) throws IOException {
    InputStream in = from.getInputStream();
    OutputStream out = to.getOutputStream();
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    daemon("delay-proxy-read-" + direction, () -> {
      byte[] buffer = new byte[64 * 1024];
      try {
        for (int read; (read = in.read(buffer)) >= 0; ) {
          queue.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, read)));
        }
      } catch (IOException e) {
        // the socket closed
      }
      queue.add(Chunk.END);
    }).start();
    daemon("delay-proxy-write-" + direction, () -> {
      try {
        for (Chunk chunk; (chunk = queue.take()) != Chunk.END; ) {
          for (long wait; (wait = chunk.due - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(wait);
          }
          if (fragmenting && direction.equals("down")) {
            for (byte b : chunk.bytes) {
              out.write(b);
              out.flush();
              LockSupport.parkNanos(20_000);
            }
          } else {
            out.write(chunk.bytes);
            out.flush();
          }
        }
      } catch (IOException | InterruptedException e) {
        // the socket closed
      }
      closeQuietly(from);
      closeQuietly(to);
    }).start();
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    sockets.forEach(DelayProxy::closeQuietly);
  }

  private static Thread daemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // closing anyway
    }
  }

  private record Chunk(long due, byte[] bytes) {
    static final Chunk END = new Chunk(0, new byte[0]);
  }
}
