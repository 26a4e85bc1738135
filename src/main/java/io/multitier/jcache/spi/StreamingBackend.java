package io.multitier.jcache.spi;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An optional capability of a tier: append-only streams of small records (Redis Streams in the
 * shared tier), with consumer groups so that several readers share the work and none is lost.
 *
 * <p>Stream names are local to the cache that owns the backend. Entry ids are opaque strings
 * that order the entries of one stream ({@code "<millis>-<seq>"} for Redis). A failure to reach
 * the store is a {@link BackendException}.
 */
public interface StreamingBackend {

  /** One entry of a stream: its id and its fields. */
  record StreamEntry(String id, Map<String, String> fields) {
    /** Creates the entry; the fields are copied. */
    public StreamEntry {
      java.util.Objects.requireNonNull(id, "id");
      fields = Map.copyOf(fields);
    }
  }

  /** A read entry that a group member has not acknowledged yet. */
  record PendingEntry(String id, String consumer, Duration idle, long deliveries) {}

  /** Appends the fields as a new entry, trimming the stream to about {@code maxLength}; returns the new id. */
  String add(String stream, Map<String, String> fields, long maxLength);

  /**
   * Appends as {@link #add} unless an entry with the same {@code token} was appended to the stream
   * within {@code window}; returns the new id, or {@code null}. Lets every JVM that observed one
   * change try to append it, and the stream hold it once.
   */
  default @Nullable String addOnce(String stream, Map<String, String> fields, long maxLength, String token, Duration window) {
    return add(stream, fields, maxLength);
  }

  /** Returns the newest {@code count} entries, oldest first. */
  List<StreamEntry> readLatest(String stream, int count);

  /**
   * Returns up to {@code count} entries after the id ({@code "0"} for the start), waiting up to
   * {@code block} for one to arrive when there is none ({@link Duration#ZERO} does not wait).
   */
  List<StreamEntry> readAfter(String stream, String afterId, int count, Duration block);

  /** Creates the consumer group at the stream's end if it does not exist (idempotent); creates the stream too. */
  void createGroup(String stream, String group);

  /** Returns up to {@code count} entries never delivered to the group, as the named member, waiting up to {@code block}. */
  List<StreamEntry> readGroup(String stream, String group, String consumer, int count, Duration block);

  /** Acknowledges entries the group has processed; returns how many were pending. */
  long ack(String stream, String group, List<String> ids);

  /** Returns up to {@code count} entries delivered to the group but not acknowledged. */
  List<PendingEntry> pending(String stream, String group, int count);

  /** Moves to {@code consumer} the pending entries idle for at least {@code minIdle}; returns them. */
  List<StreamEntry> claim(String stream, String group, String consumer, Duration minIdle, List<String> ids);
}
