package io.multitier.jcache.backend.redis;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.BackendException;
import io.multitier.jcache.spi.StreamingBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.redisson.api.RScript;
import org.redisson.api.RScript.Mode;
import org.redisson.api.RScript.ReturnType;
import org.redisson.api.RStream;
import org.redisson.api.RedissonClient;
import org.redisson.api.StreamMessageId;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.api.stream.StreamReadArgs;
import org.redisson.api.stream.StreamReadGroupArgs;
import org.redisson.client.RedisException;
import org.redisson.client.RedisNoScriptException;
import org.redisson.client.codec.StringCodec;

/**
 * One cache's streams as Redis Streams, each call one Redis command: {@code XADD … MAXLEN ~},
 * {@code XREVRANGE}, {@code XREAD [BLOCK]}, {@code XGROUP CREATE … MKSTREAM} (in a script),
 * {@code XREADGROUP [BLOCK]}, {@code XACK}, {@code XPENDING}, {@code XCLAIM}. A stream's key is
 * {@code <prefix>{<cache>}#stream:<name>}, in the cache's Cluster slot.
 */
final class RedisStreams implements StreamingBackend {

  private final RedissonClient client;
  private final KeyNamespace namespace;

  RedisStreams(RedissonClient client, KeyNamespace namespace) {
    this.client = requireNonNull(client, "client");
    this.namespace = requireNonNull(namespace, "namespace");
  }

  @Override
  public String add(String stream, Map<String, String> fields, long maxLength) {
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("A stream entry needs at least one field");
    }
    StreamAddArgs<String, String> args = StreamAddArgs.entries(fields);
    if (maxLength > 0) {
      args = args.trimNonStrict().maxLen((int) Math.min(maxLength, Integer.MAX_VALUE)).noLimit();
    }
    StreamAddArgs<String, String> add = args;
    return call("add", () -> stream(stream).add(add).toString());
  }

  @Override
  public String addOnce(String stream, Map<String, String> fields, long maxLength, String token, Duration window) {
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("A stream entry needs at least one field");
    }
    String key = namespace.streamKey(stream);
    List<Object> args = new ArrayList<>(2 + 2 * fields.size());
    args.add(Long.toString(Math.max(1, window.toMillis())));
    args.add(Long.toString(Math.max(0, maxLength)));
    fields.forEach((field, value) -> {
      args.add(field);
      args.add(value);
    });
    RScript script = client.getScript(StringCodec.INSTANCE);
    List<Object> keys = List.of(key, key + "#once:" + token);
    return call("addOnce", () -> {
      try {
        return script.<String>evalSha(key, Mode.READ_WRITE, Scripts.ADD_ONCE.sha(), ReturnType.VALUE, keys, args.toArray());
      } catch (RedisNoScriptException e) {
        return script.<String>eval(key, Mode.READ_WRITE, Scripts.ADD_ONCE.source(), ReturnType.VALUE, keys, args.toArray());
      }
    });
  }

  @Override
  public List<StreamEntry> readLatest(String stream, int count) {
    List<StreamEntry> latest = entries(call("readLatest",
        () -> stream(stream).rangeReversed(count, StreamMessageId.MAX, StreamMessageId.MIN)));
    Collections.reverse(latest);
    return latest;
  }

  @Override
  public List<StreamEntry> readAfter(String stream, String afterId, int count, Duration block) {
    StreamReadArgs args = StreamReadArgs.greaterThan(id(afterId)).count(count);
    StreamReadArgs read = (block != null && !block.isZero()) ? args.timeout(block) : args;
    return entries(call("readAfter", () -> stream(stream).read(read)));
  }

  /** Creates the group in one script, so that an existing group is no error reply (Redisson retries those starting with BUSY). */
  @Override
  public void createGroup(String stream, String group) {
    requireNonNull(group, "group");
    String key = namespace.streamKey(requireNonNull(stream, "stream"));
    RScript script = client.getScript(StringCodec.INSTANCE);
    List<Object> keys = List.of(key);
    call("createGroup", () -> {
      try {
        return script.<Long>evalSha(key, Mode.READ_WRITE, Scripts.CREATE_GROUP.sha(), ReturnType.INTEGER, keys, group);
      } catch (RedisNoScriptException e) {
        return script.<Long>eval(key, Mode.READ_WRITE, Scripts.CREATE_GROUP.source(), ReturnType.INTEGER, keys, group);
      }
    });
  }

  @Override
  public List<StreamEntry> readGroup(String stream, String group, String consumer, int count,
      Duration block) {
    StreamReadGroupArgs args = StreamReadGroupArgs.neverDelivered().count(count);
    StreamReadGroupArgs read = (block != null && !block.isZero()) ? args.timeout(block) : args;
    return entries(call("readGroup", () -> stream(stream).readGroup(group, consumer, read)));
  }

  @Override
  public long ack(String stream, String group, List<String> ids) {
    StreamMessageId[] parsed = ids.stream().map(RedisStreams::id).toArray(StreamMessageId[]::new);
    return call("ack", () -> stream(stream).ack(group, parsed));
  }

  @Override
  public List<PendingEntry> pending(String stream, String group, int count) {
    List<PendingEntry> pending = new ArrayList<>();
    for (org.redisson.api.PendingEntry entry : call("pending",
        () -> stream(stream).listPending(group, StreamMessageId.MIN, StreamMessageId.MAX, count))) {
      pending.add(new PendingEntry(entry.getId().toString(), entry.getConsumerName(),
          Duration.ofMillis(entry.getIdleTime()), entry.getLastTimeDelivered()));
    }
    return pending;
  }

  @Override
  public List<StreamEntry> claim(String stream, String group, String consumer, Duration minIdle,
      List<String> ids) {
    StreamMessageId[] parsed = ids.stream().map(RedisStreams::id).toArray(StreamMessageId[]::new);
    return entries(call("claim", () -> stream(stream).claim(group, consumer, minIdle.toMillis(),
        TimeUnit.MILLISECONDS, parsed)));
  }

  private RStream<String, String> stream(String name) {
    return client.getStream(namespace.streamKey(requireNonNull(name, "stream")), StringCodec.INSTANCE);
  }

  private static List<StreamEntry> entries(Map<StreamMessageId, Map<String, String>> read) {
    List<StreamEntry> entries = new ArrayList<>(read.size());
    read.forEach((id, fields) -> entries.add(new StreamEntry(id.toString(), fields)));
    return entries;
  }

  private static StreamMessageId id(String text) {
    requireNonNull(text, "id");
    try {
      int dash = text.indexOf('-');
      return (dash < 0) ? new StreamMessageId(Long.parseLong(text), 0)
          : new StreamMessageId(Long.parseLong(text.substring(0, dash)), Long.parseLong(text.substring(dash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Not a stream entry id: '" + text + "'", e);
    }
  }

  private static <T> T call(String operation, Supplier<T> command) {
    try {
      return command.get();
    } catch (RedisException e) {
      throw failure(operation, e);
    }
  }

  private static BackendException failure(String operation, RuntimeException e) {
    return new BackendException("L2 redis streams failed during " + operation + ": " + e.getMessage(), e);
  }
}
