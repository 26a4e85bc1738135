package io.multitier.jcache.backend.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the numbers a cache heard say: a hole that closes is no loss, one that stays is, a count that went back is. */
final class NoticeSequenceTest {

  @Test
  void numbersHeardOutOfOrderLoseNothing() {
    NoticeSequence sequence = new NoticeSequence();
    sequence.start(10);
    assertThat(sequence.heard(12)).as("a hole below 12: look again later").isTrue();
    assertThat(sequence.heard(13)).isFalse();
    assertThat(sequence.heard(11)).isFalse();
    assertThat(sequence.missing(11)).as("11 came late").isFalse();
    assertThat(sequence.highest()).isEqualTo(13);
    assertThat(sequence.missing(13)).isFalse();
  }

  @Test
  void aCountReadWhileNoticesCameIsNotACountThatWentBack() {
    NoticeSequence sequence = new NoticeSequence();
    sequence.start(10);
    long before = sequence.highest();
    sequence.heard(11);
    sequence.heard(12);
    assertThat(sequence.wentBack(11, before)).as("Redis answered 11 before notice 12 came").isFalse();
    assertThat(sequence.heard(13)).isFalse();
  }

  @Test
  void aHoleThatStaysIsALoss() {
    NoticeSequence sequence = new NoticeSequence();
    sequence.start(10);
    assertThat(sequence.heard(11)).isFalse();
    assertThat(sequence.heard(13)).isTrue();
    assertThat(sequence.missing(12)).as("12 never came").isTrue();
    assertThat(sequence.missing(13)).as("taken as heard once reported").isFalse();
    assertThat(sequence.heard(14)).isFalse();
  }

  @Test
  void aCountRedisReachedButNobodyHeardIsALossAndOneThatWentBackIsToo() {
    NoticeSequence sequence = new NoticeSequence();
    sequence.start(5);
    assertThat(sequence.wentBack(7, sequence.highest())).isFalse();
    assertThat(sequence.missing(7)).isTrue();
    assertThat(sequence.wentBack(2, sequence.highest())).as("FLUSHALL, restart, failover").isTrue();
    assertThat(sequence.heard(3)).isFalse();
    assertThat(sequence.missing(3)).isFalse();
  }
}
