package io.multitier.jcache.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.util.List;
import javax.cache.CacheManager;

/**
 * The line protocol of a child JVM that {@link ChildJvm} drives: {@code @ready} first, then one
 * command a line on stdin and its reply on stdout, starting with {@code @} (logging goes to
 * stderr); {@code quit} closes the CacheManagers, answers {@code @bye} and exits; a failure answers
 * {@code @error ...}.
 */
public final class NodeProtocol {

  /** Answers one command. */
  @FunctionalInterface
  public interface Commands {
    /**
     * Returns the reply to the command split at its first {@code limit - 1} spaces, without its
     * {@code @}, or {@code null} if it is unknown; a command that answers twice prints the first
     * reply to {@code out} itself.
     */
    String answer(String[] parts, PrintStream out) throws IOException;
  }

  private NodeProtocol() {}

  /** Serves commands until {@code quit} or the end of stdin, then exits the JVM. */
  public static void serve(List<CacheManager> managers, int limit, Commands commands) throws IOException {
    PrintStream out = new PrintStream(System.out, true, UTF_8);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
    out.println("@ready");
    for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
      try {
        String reply = commands.answer(line.split(" ", limit), out);
        out.println((reply == null) ? "@error unknown command: " + line : "@" + reply);
      } catch (RuntimeException e) {
        out.println("@error " + e.toString().replace('\n', ' '));
      }
    }
    managers.forEach(CacheManager::close);
    out.println("@bye");
    System.exit(0);
  }
}
