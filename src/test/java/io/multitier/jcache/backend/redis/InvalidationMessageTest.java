package io.multitier.jcache.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link InvalidationMessage}: what a notice says, and that anything unreadable means every key of every cache. */
final class InvalidationMessageTest {

  @Test
  void aOneKeyNoticeNamesItsKey() {
    assertThat(InvalidationMessage.parse("K:s1:users:7:s:a:b"))
        .isEqualTo(new InvalidationMessage("s1", "users", List.of("s:a:b"), 7));
  }

  @Test
  void aBulkNoticeNamesEachKeyByItsLengthInUtf8Bytes() {
    String snowman = "s:☃";
    String emoji = "s:\uD83D\uDE00";
    String message = "M:s1:users:8:3:s:a:0::1:::" + (2 + 3) + ":" + snowman + ":" + (2 + 4) + ":" + emoji;

    assertThat(InvalidationMessage.parse(message))
        .isEqualTo(new InvalidationMessage("s1", "users", List.of("s:a", "", ":", snowman, emoji), 8));
  }

  @Test
  void aClearNoticeNamesNoKey() {
    assertThat(InvalidationMessage.parse("C:s1:users:9")).isEqualTo(new InvalidationMessage("s1", "users", null, 9));
  }

  @Test
  void aMalformedBulkNoticeMeansEveryKeyOfEveryCache() {
    for (String malformed : List.of("M:s1:users:8", "M:s1:users:8:", "M:s1:users:8:4:s:a", "M:s1:users:8:2:s:a",
        "M:s1:users:8:x:s:a", "M:s1:users:8:3:s:ab", "M:s1:users::3:s:a", "X:s1:users:8:3:s:a")) {
      InvalidationMessage parsed = InvalidationMessage.parse(malformed);
      assertThat(parsed.cache()).as(malformed).isNull();
      assertThat(parsed.keys()).as(malformed).isNull();
    }
  }
}
