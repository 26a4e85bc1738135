package io.multitier.jcache.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} process for tests, bound to a free loopback port, with no persistence
 * and its own temporary directory.
 *
 * <p>Admin commands go over a tiny RESP client of its own, one short connection per command, so the
 * server's command statistics see them as separate {@code info}/{@code config} calls that
 * {@link #commandStats()} leaves out.
 */
public final class RedisServer implements AutoCloseable {

  private static final String EXECUTABLE = "redis-server";
  private static final Duration STARTUP = Duration.ofSeconds(10);
  private static final int SOCKET_TIMEOUT_MILLIS = 5_000;
  private static final Set<String> OWN_COMMANDS = Set.of("info", "config|resetstat");

  private final Path executable;
  private final Path directory;
  private final int port;
  private final List<String> extraArguments;
  private final Thread reaper = new Thread(this::kill, "redis-server-reaper");
  private Process process;

  private RedisServer(Path executable, Path directory, int port, List<String> extraArguments) {
    this.executable = executable;
    this.directory = directory;
    this.port = port;
    this.extraArguments = List.copyOf(extraArguments);
  }

  /** Starts a server on a free loopback port and waits until it answers PING. */
  public static RedisServer start() {
    return start(List.of());
  }

  /**
   * Starts a server on a free loopback port with extra {@code redis-server} arguments (TLS, ACL,
   * Cluster settings; paths are relative to the server's own directory, {@link #directory()}) and
   * waits until it answers PING on its plain port.
   */
  public static RedisServer start(List<String> extraArguments) {
    Path executable = findExecutable();
    Path directory;
    try {
      directory = Files.createTempDirectory("redis-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    IllegalStateException failure = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      RedisServer server = new RedisServer(executable, directory, freePort(), extraArguments);
      try {
        server.launch();
        Runtime.getRuntime().addShutdownHook(server.reaper);
        return server;
      } catch (IllegalStateException e) {
        failure = e;
      }
    }
    deleteRecursively(directory);
    throw failure;
  }

  /** Returns the address in Redisson's form, {@code redis://127.0.0.1:PORT}. */
  public String address() {
    return "redis://127.0.0.1:" + port;
  }

  /** Returns the server's own directory (its log and any file a test puts there). */
  public Path directory() {
    return directory;
  }

  /** Returns the port the server listens on. */
  public int port() {
    return port;
  }

  /** Returns whether the server process is running (it may be paused). */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Stops the server gracefully and deletes its directory. */
  public synchronized void stop() {
    if (process != null && process.isAlive()) {
      resume();
      process.destroy();
      awaitExit(Duration.ofSeconds(10));
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: it kills the process itself
    }
    deleteRecursively(directory);
  }

  /** Kills the server at once (SIGKILL): clients see their connections drop. */
  public synchronized void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(10));
    }
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing is answered. */
  public synchronized void pause() {
    signal("STOP");
  }

  /** Lets a paused server go on (SIGCONT). */
  public synchronized void resume() {
    signal("CONT");
  }

  /** Kills the server if it runs and starts an empty one on the same port. */
  public synchronized void restart() {
    kill();
    IllegalStateException failure = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        launch();
        return;
      } catch (IllegalStateException e) {
        failure = e;
        pauseBeforeRetry();
      }
    }
    throw failure;
  }

  /** Returns the calls per command since the last reset, as {@code INFO commandstats} tells, less this harness's own. */
  public Map<String, Long> commandStats() {
    String info = (String) call("INFO", "commandstats");
    Map<String, Long> calls = new LinkedHashMap<>();
    for (String line : info.split("\r\n")) {
      if (!line.startsWith("cmdstat_")) {
        continue;
      }
      int colon = line.indexOf(':');
      String command = line.substring("cmdstat_".length(), colon);
      if (OWN_COMMANDS.contains(command)) {
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

  /** Zeroes the server's statistics (CONFIG RESETSTAT). */
  public void resetStats() {
    call("CONFIG", "RESETSTAT");
  }

  /**
   * Sends one command on a fresh connection and returns the reply: a {@link String} for simple and
   * bulk strings, a {@link Long} for integers, a {@link List} for arrays, {@code null} for nil.
   */
  public Object call(String... command) {
    return session(List.<byte[][]>of(utf8(command)));
  }

  /** As {@link #call(String...)}, with binary-safe arguments (to store bytes no client of ours wrote). */
  public Object callBytes(byte[]... command) {
    return session(List.<byte[][]>of(command));
  }

  /**
   * Authenticates as an ACL user on a fresh connection, then sends one command and returns its
   * reply; an error reply is thrown as {@link IllegalStateException} with Redis's message.
   */
  public Object callAs(String user, String password, String... command) {
    return session(List.of(utf8("AUTH", user, password), utf8(command)));
  }

  /**
   * Sends one command on a fresh connection to the redis-server on this loopback port, which need
   * not be one this JVM started (a child JVM's writer or loader reaches its test's server this way).
   */
  public static Object callAt(int port, String... command) {
    return session(port, List.<byte[][]>of(utf8(command)));
  }

  private Object session(List<byte[][]> commands) {
    return session(port, commands);
  }

  private static Object session(int port, List<byte[][]> commands) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), SOCKET_TIMEOUT_MILLIS);
      socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      BufferedInputStream in = new BufferedInputStream(socket.getInputStream());
      Object reply = null;
      for (byte[][] command : commands) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("*" + command.length + "\r\n").getBytes(UTF_8));
        for (byte[] bytes : command) {
          request.writeBytes(("$" + bytes.length + "\r\n").getBytes(UTF_8));
          request.writeBytes(bytes);
          request.writeBytes("\r\n".getBytes(UTF_8));
        }
        out.write(request.toByteArray());
        out.flush();
        reply = readReply(in);
      }
      return reply;
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server on port " + port + " did not answer "
          + new String(commands.get(commands.size() - 1)[0], UTF_8), e);
    }
  }

  private static byte[][] utf8(String... parts) {
    byte[][] bytes = new byte[parts.length][];
    for (int i = 0; i < parts.length; i++) {
      bytes[i] = parts[i].getBytes(UTF_8);
    }
    return bytes;
  }

  @Override
  public void close() {
    stop();
  }

  private void launch() {
    Path log = directory.resolve("redis.log");
    ProcessBuilder builder = new ProcessBuilder(executable.toString(),
        "--port", Integer.toString(port),
        "--bind", "127.0.0.1",
        "--save", "",
        "--appendonly", "no",
        "--dir", directory.toString(),
        "--daemonize", "no");
    builder.command().addAll(extraArguments);
    builder.directory(directory.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + executable, e);
    }
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis-server exited on port " + port + ": " + tail(log));
      }
      if (answersPing()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting redis-server", e);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("redis-server did not answer PING on port " + port + " within " + STARTUP
        + ": " + tail(log));
  }

  private static void pauseBeforeRetry() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while restarting redis-server", e);
    }
  }

  private boolean answersPing() {
    try {
      return "PONG".equals(call("PING"));
    } catch (UncheckedIOException | IllegalStateException e) {
      return false;
    }
  }

  private void signal(String signal) {
    if (process == null || !process.isAlive()) {
      return;
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling redis-server", e);
    }
  }

  private void awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Object readReply(InputStream in) throws IOException {
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
        if (count < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          items.add(readReply(in));
        }
        return items;
      }
      default:
        throw new IOException("unexpected RESP reply type " + type);
    }
  }

  private static String readLine(InputStream in) throws IOException {
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

  private static Path findExecutable() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, EXECUTABLE);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(EXECUTABLE + " is not on PATH: run .ci/install-redis.sh (as root) to install it");
  }

  /** Returns a loopback port that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
