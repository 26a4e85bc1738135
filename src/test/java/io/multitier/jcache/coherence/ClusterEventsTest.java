package io.multitier.jcache.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.testing.ChildJvm;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RecordingListener;
import io.multitier.jcache.testing.RedisServerExtension;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.cache.Cache;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Four JVMs share a cache with {@code events: cluster}: this one and three {@link CoherenceNode}
 * children, each with a listener. Every listener hears every JVM's changes once, in the order
 * they took effect, with old values; a filter runs where the listener is; changes made while a
 * JVM's connections were cut are still delivered; a cache without cluster events hears only its
 * own JVM.
 */
final class ClusterEventsTest {

  private static final Duration HEARD = Duration.ofSeconds(10);
  private static final String CACHES = "caches:\n"
      + "  orders:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n"
      + "    events: cluster\n"
      + "    eventsMaxLength: 1000\n"
      + "  local:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static Nodes nodes;
  private static List<ChildJvm> children;
  private static Cache<String, String> orders;
  private static Cache<String, String> local;
  private static final RecordingListener<String, String> here = new RecordingListener<>();
  private static final RecordingListener<String, String> filtered = new RecordingListener<>();
  private static final RecordingListener<String, String> localHere = new RecordingListener<>();

  @BeforeAll
  static void start() {
    redis.server().call("FLUSHALL");
    nodes = Nodes.start(3, ManagerFiles.sharedClient(redis.server(), "events:") + CACHES);
    children = nodes.children();
    orders = nodes.manager(0).getCache("orders", String.class, String.class);
    local = nodes.manager(0).getCache("local", String.class, String.class);
    orders.registerCacheEntryListener(here.configuration(false));
    Factory<CacheEntryEventFilter<? super String, ? super String>> onlyPaid = OnlyPaid::new;
    orders.registerCacheEntryListener(filtered.configuration(true, onlyPaid));
    local.registerCacheEntryListener(localHere.configuration(false));
    for (ChildJvm child : children) {
      assertThat(child.send("listen 0/orders")).isEqualTo("ok");
      assertThat(child.send("listen 0/local")).isEqualTo("ok");
    }
  }

  @AfterAll
  static void stop() {
    if (nodes != null) {
      nodes.close();
    }
  }

  @Test
  void everyListenerHearsEveryJvmsChangesOnceInOrder() {
    orders.put("o1", "new");
    children.get(0).send("put 0/orders o1 paid");
    children.get(1).send("put 0/orders o2 new");
    assertThat(children.get(2).send("get 0/orders o1")).isEqualTo("value paid");
    orders.remove("o1");
    children.get(2).send("put 0/orders o2 paid");
    List<String> expected = List.of("CREATED o1=new", "UPDATED o1=paid (was new)", "CREATED o2=new",
        "REMOVED o1=paid (was paid)", "UPDATED o2=paid (was new)");

    await().atMost(HEARD).until(() -> here.briefs().size() >= expected.size());
    assertThat(here.briefs()).isEqualTo(expected);
    for (ChildJvm child : children) {
      await().atMost(HEARD).until(() -> heard(child, "0/orders").size() >= expected.size());
      assertThat(heard(child, "0/orders")).isEqualTo(expected);
    }
    await().atMost(HEARD).until(() -> filtered.briefs().size() >= 3);
    assertThat(filtered.briefs()).as("the filter ran in this JVM").containsExactly("UPDATED o1=paid (was new)",
        "REMOVED o1=paid (was paid)", "UPDATED o2=paid (was new)");
  }

  @Test
  void changesMadeWhileAJvmWasCutOffAreStillDelivered() {
    orders.put("c1", "before");
    await().atMost(HEARD).until(() -> heard(children.get(0), "0/orders").contains("CREATED c1=before"));
    redis.server().call("CLIENT", "KILL", "TYPE", "normal");
    await().atMost(HEARD).ignoreExceptions().until(() -> {
      orders.put("c2", "while-cut");
      return true;
    });
    orders.put("c1", "after");
    for (ChildJvm child : children) {
      await().atMost(HEARD).until(() -> heard(child, "0/orders").contains("UPDATED c1=after (was before)"));
      List<String> seen = heard(child, "0/orders");
      assertThat(seen).containsSubsequence("CREATED c1=before", "CREATED c2=while-cut", "UPDATED c1=after (was before)");
      assertThat(seen.stream().filter(e -> e.startsWith("CREATED c2")).count()).as("once").isEqualTo(1);
    }
  }

  @Test
  void aCacheWithoutClusterEventsHearsItsOwnJvm() {
    children.get(0).send("put 0/local l1 elsewhere");
    local.put("l2", "here");
    await().atMost(HEARD).until(() -> localHere.briefs().size() == 1);
    assertThat(localHere.briefs()).containsExactly("CREATED l2=here");
    assertThat(heard(children.get(0), "0/local")).containsExactly("CREATED l1=elsewhere");
  }

  private static List<String> heard(ChildJvm child, String cache) {
    String heard = child.send("heard " + cache);
    return heard.isEmpty() ? List.of() : Arrays.asList(heard.split("\\|"));
  }

  /** Passes only the events whose value is a paid order. */
  public static final class OnlyPaid implements CacheEntryEventFilter<String, String> {
    @Override
    public boolean evaluate(CacheEntryEvent<? extends String, ? extends String> event) {
      return "paid".equals(event.getValue());
    }
  }
}
