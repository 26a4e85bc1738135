package io.multitier.jcache.frameworks.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.tier.TierStatistics;
import io.multitier.jcache.frameworks.ConfigFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hibernate's second-level cache tiered over a real {@code redis-server} with {@code codec: kryo}:
 * the whole contract, with every entry, key and query result crossing Redis in Kryo's form and,
 * without L1 copies, read back from there on every hit through the {@code hibernate} preset of the
 * allow-list.
 */
final class HibernateKryoTest extends SecondLevelCacheContract {

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static final String BOOK = Book.class.getName();

  private static ConfigFiles files;
  private static Node node;

  @BeforeAll
  static void start() {
    files = new ConfigFiles();
    node = Node.start("kryo", files.fromTemplate("frameworks/hibernate/tiered-kryo.yaml", "kryo.yaml",
        redis.server().address()).toString(), "fail", true);
  }

  @AfterAll
  static void stop() {
    try {
      if (node != null) {
        node.close();
      }
    } finally {
      if (files != null) {
        files.close();
      }
    }
  }

  @Override
  Node node() {
    return node;
  }

  @Test
  void entitiesAreStoredInKryosFormAndEveryHitIsReadBackFromRedis() {
    node.read(s -> s.find(Book.class, 10L));
    List<?> keys = (List<?>) redis.server().call("KEYS", "hibernate-kryo-test:{io.multitier.jcache.frameworks.hibernate.Book}:*");
    assertThat(keys).isNotEmpty();
    for (Object key : keys) {
      assertThat((String) redis.server().call("GETRANGE", key.toString(), "0", "0")).as("the first byte of " + key).isEqualTo("K");
    }
    assertThat(node.read(s -> s.find(Book.class, 10L)).getTitle()).isEqualTo("Notes");
    TierStatistics tiers = node.tiers(BOOK);
    assertThat(tiers.l2Hits()).isPositive();
    assertThat(tiers.l1Hits()).isZero();
    assertThat(tiers.corruptValues()).isZero();
  }
}
