package io.multitier.jcache.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.spi.StreamingBackend;
import io.multitier.jcache.testing.ChildJvm;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RecordingListener;
import io.multitier.jcache.testing.RedisServerExtension;
import java.time.Duration;
import java.util.List;
import javax.cache.Cache;
import javax.cache.event.EventType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis expires an entry of a tiered cache shared by this JVM and a {@link CoherenceNode} child:
 * the listeners of both JVMs hear {@code EXPIRED} once, with the value where the JVM held a copy,
 * and the cache's event stream carries the expiry once, although both JVMs heard it.
 */
final class ExpiryEventsTest {

  private static final Duration HEARD = Duration.ofSeconds(5);
  private static final String CACHES = "caches:\n"
      + "  sessions:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n"
      + "    eventStream: {name: changes, maxLength: 100}\n"
      + "  timed:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n"
      + "    expiry: {created: 300ms}\n"
      + "  watched:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static Nodes nodes;
  private static ChildJvm child;
  private static Cache<String, String> sessions;
  private static Cache<String, String> timed;
  private static final RecordingListener<String, String> heardHere = new RecordingListener<>();
  private static final RecordingListener<String, String> timedHere = new RecordingListener<>();

  @BeforeAll
  static void start() {
    redis.server().call("FLUSHALL");
    redis.server().call("CONFIG", "SET", "notify-keyspace-events", "");
    nodes = Nodes.start(1, ManagerFiles.publishing(ManagerFiles.sharedClient(redis.server(), "expiry:")) + CACHES);
    child = nodes.child();
    sessions = nodes.manager(0).getCache("sessions", String.class, String.class);
    timed = nodes.manager(0).getCache("timed", String.class, String.class);
    sessions.registerCacheEntryListener(heardHere.configuration(false));
    timed.registerCacheEntryListener(timedHere.configuration(true));
    assertThat(child.send("listen 0/sessions")).isEqualTo("ok");
  }

  @AfterAll
  static void stop() {
    if (nodes != null) {
      nodes.close();
    }
  }

  @Test
  void turnsExpiryNotificationsOn() {
    assertThat(redis.server().call("CONFIG", "GET", "notify-keyspace-events").toString()).contains("x").contains("E");
  }

  @Test
  void everyJvmHearsRedisExpireAnEntryOnceAndTheStreamHoldsItOnce() {
    sessions.put("s1", "alice");
    Nodes.awaitCopy(child, "0/sessions", "s1", "alice");
    sessions.put("s2", "bob");

    redis.server().call("PEXPIRE", "expiry:{sessions}:s:s1", "1");
    redis.server().call("PEXPIRE", "expiry:{sessions}:s:s2", "1");

    await().atMost(HEARD).until(() -> heardHere.briefs().stream().filter(e -> e.startsWith("EXPIRED")).count() == 2);
    await().atMost(HEARD).until(() -> child.send("heard 0/sessions").split("\\|").length == 2);
    assertThat(heardHere.briefs()).containsExactlyInAnyOrder("CREATED s1=alice", "CREATED s2=bob",
        "EXPIRED s1=alice (was alice)", "EXPIRED s2=bob (was bob)");
    assertThat(child.send("heard 0/sessions").split("\\|"))
        .as("the child had a copy of s1 only, and made neither change")
        .containsExactlyInAnyOrder("EXPIRED s1=alice (was alice)", "EXPIRED s2=null");
    assertThat(sessions.get("s1")).isNull();

    StreamingBackend streams = sessions.unwrap(StreamingBackend.class);
    await().atMost(HEARD).until(() -> streams.readLatest("changes", 10).stream()
        .filter(entry -> "EXPIRED".equals(entry.fields().get("type"))).count() == 2);
    List<String> types = streams.readLatest("changes", 10).stream().map(entry -> entry.fields().get("type")
        + " " + entry.fields().get("key")).toList();
    assertThat(types).as("each change once: this JVM's creations, and each expiry by one of the two JVMs")
        .containsExactlyInAnyOrder("CREATED s1", "CREATED s2", "EXPIRED s1", "EXPIRED s2");
  }

  @Test
  void aSynchronousListenerHearsRedisExpiriesOffTheRedisClientsThreads() {
    Cache<String, String> watched = nodes.manager(0).getCache("watched", String.class, String.class);
    RecordingListener<String, String> listener = new RecordingListener<>();
    watched.registerCacheEntryListener(listener.configuration(true));
    watched.put("w", "gone soon");

    redis.server().call("PEXPIRE", "expiry:{watched}:s:w", "1");

    await().atMost(HEARD).until(() -> listener.seen().stream().anyMatch(seen -> seen.type() == EventType.EXPIRED));
    Thread heardOn = listener.seen().stream().filter(seen -> seen.type() == EventType.EXPIRED).findFirst()
        .orElseThrow().thread();
    assertThat(heardOn.getName()).as("a slow or blocking listener must not hold up the Redis client's threads")
        .doesNotContainIgnoringCase("redisson").doesNotContainIgnoringCase("netty");
  }

  @Test
  void aCopyWhoseTimeRanOutRaisesNoSecondEvent() {
    timed.put("t", "soon");
    assertThat(timed.get("t")).isEqualTo("soon");
    await().atMost(HEARD).until(() -> timedHere.briefs().contains("EXPIRED t=soon (was soon)"));
    assertThat(timed.get("t")).isNull();
    assertThat(timedHere.briefs()).as("one creation, one expiry").containsExactly("CREATED t=soon", "EXPIRED t=soon (was soon)");
  }
}
