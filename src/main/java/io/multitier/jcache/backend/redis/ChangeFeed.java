package io.multitier.jcache.backend.redis;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.redisson.api.RScript.Mode;
import org.redisson.api.RScript.ReturnType;
import org.redisson.api.RStream;
import org.redisson.api.RedissonClient;
import org.redisson.api.StreamMessageId;
import org.redisson.api.stream.StreamReadArgs;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.codec.CompositeCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one cache's change stream ({@code <prefix>{<cache>}#events}, see {@link Scripts}) on a
 * daemon thread of its own, from where the stream ended when it started, and hands each entry to
 * the consumer, in stream order. It keeps its position across a lost
 * connection: what was appended meanwhile is still delivered, unless the stream was trimmed past
 * the position, which it logs.
 */
final class ChangeFeed implements AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(ChangeFeed.class);
  private static final Duration BLOCK = Duration.ofSeconds(1);
  private static final int BATCH = 256;

  private final RedissonClient client;
  private final RStream<String, byte[]> stream;
  private final String streamKey;
  private final String cache;
  private final Consumer<Map<String, byte[]>> consumer;
  private final Thread thread;
  private volatile boolean closed;
  private StreamMessageId position;

  ChangeFeed(RedissonClient client, String streamKey, String cache, Consumer<Map<String, byte[]>> consumer) {
    this.client = requireNonNull(client, "client");
    this.streamKey = requireNonNull(streamKey, "streamKey");
    this.stream = client.getStream(streamKey, new CompositeCodec(StringCodec.INSTANCE, ByteArrayCodec.INSTANCE));
    this.cache = requireNonNull(cache, "cache");
    this.consumer = requireNonNull(consumer, "consumer");
    this.position = stream.rangeReversed(1, StreamMessageId.MAX, StreamMessageId.MIN).keySet().stream()
        .findFirst().orElse(new StreamMessageId(0, 0));
    this.thread = new Thread(this::follow, "multitier-events-" + cache);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }

  private void follow() {
    boolean failing = false;
    while (!closed) {
      try {
        Map<StreamMessageId, Map<String, byte[]>> read =
            stream.read(StreamReadArgs.greaterThan(position).count(BATCH).timeout(BLOCK));
        if (failing) {
          failing = false;
          reportTrimmed();
        }
        for (Map.Entry<StreamMessageId, Map<String, byte[]>> entry : read.entrySet()) {
          position = entry.getKey();
          deliver(entry.getValue());
        }
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        if (!failing) {
          logger.debug("Cache '{}' cannot read its change stream for now; it resumes where it was", cache, e);
        }
        failing = true;
        if (!Retries.pauseAfterFailure()) {
          return;
        }
      }
    }
  }

  private void deliver(Map<String, byte[]> fields) {
    try {
      consumer.accept(fields);
    } catch (RuntimeException e) {
      logger.warn("A listener of cache '{}' failed on a change from another JVM", cache, e);
    }
  }

  private void reportTrimmed() {
    String deleted = client.getScript(StringCodec.INSTANCE).eval(streamKey, Mode.READ_ONLY,
        Scripts.MAX_DELETED_ID.source(), ReturnType.VALUE, java.util.List.of(streamKey));
    if (deleted != null && !deleted.isEmpty() && compare(deleted, position) > 0) {
      logger.warn("Cache '{}' was away from Redis longer than its change stream holds: changes other JVMs made up to "
          + "{} were trimmed before this JVM read them, and its listeners did not hear of them (raise the cache's "
          + "eventsMaxLength to keep more)", cache, deleted);
    }
  }

  private static int compare(String id, StreamMessageId position) {
    int dash = id.indexOf('-');
    long millis = Long.parseLong(id.substring(0, dash));
    long sequence = Long.parseLong(id.substring(dash + 1));
    int byMillis = Long.compare(millis, position.getId0());
    return (byMillis != 0) ? byMillis : Long.compare(sequence, position.getId1());
  }
}
