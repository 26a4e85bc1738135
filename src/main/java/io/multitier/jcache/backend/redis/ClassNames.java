package io.multitier.jcache.backend.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.ClassDictionary;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RMap;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cache's class dictionary in Redis: the hash {@link KeyNamespace#classesKey()} from each
 * reference (eight hexadecimal digits) to its entry. Entries reach Redis inside the write scripts: an entry this
 * JVM refers to and has not seen in Redis lately is a claim sent with the next write
 * ({@link #claimed}), which the script adds to the hash before it writes anything (over an entry
 * that does not hash to its reference), or refuses the write if the reference holds another entry
 * that does (two classes whose references collide: this JVM then writes that class by name). A claim is sent again once {@code reclaimAfter} has passed since its
 * entry was last seen in Redis, so that a dictionary an operator deleted, or Redis evicted, is
 * filled again by the next writes. An unknown reference is looked up with one {@code HGETALL}, at
 * most once per reference in {@code retryAfter}; on Redisson's event loop that read is started,
 * not waited for, and the value is a miss. Entries read from Redis count only if they hash to their
 * reference, and the reader still checks the class it loads against the allow-list and the reference.
 */
final class ClassNames implements ClassDictionary {

  private static final Logger logger = LoggerFactory.getLogger(ClassNames.class);

  /** The start of the error reply of a write refused for a reference that holds another entry. */
  static final String CLASH = "CLASSCLASH";

  private static final int MAX_ASKED = 1_024;
  /** How many entries read from Redis are kept at most: a dictionary is a few entries, a planted one may be any size. */
  private static final int MAX_KNOWN = 65_536;

  private final CacheLink link;
  private final String key;
  private final long reclaimAfterNanos;
  private final long retryAfterNanos;
  /** Entries whose reference checks out: read from Redis or referred to by this JVM. */
  private final Map<Integer, String> known = new ConcurrentHashMap<>();
  /** The entries this JVM refers to. */
  private final Map<Integer, String> own = new ConcurrentHashMap<>();
  /** When each entry was last seen in Redis, read or written ({@link System#nanoTime()}). */
  private final Map<Integer, Long> seen = new ConcurrentHashMap<>();
  /** The claims of the next write. */
  private final Map<Integer, String> claims = new ConcurrentHashMap<>();
  private final Set<Integer> clashing = ConcurrentHashMap.newKeySet();
  /** When each reference unknown here was last looked up. */
  private final Map<Integer, Long> asked = new ConcurrentHashMap<>();
  private final AtomicBoolean loading = new AtomicBoolean();

  ClassNames(CacheLink link, Duration reclaimAfter, Duration retryAfter) {
    this.link = requireNonNull(link, "link");
    this.key = link.namespace().classesKey();
    this.reclaimAfterNanos = reclaimAfter.toNanos();
    this.retryAfterNanos = retryAfter.toNanos();
  }

  @Override
  public @Nullable String entry(int reference) {
    String entry = known.get(reference);
    if (entry != null) {
      return entry;
    }
    long now = System.nanoTime();
    Long before = asked.get(reference);
    if (before != null && now - before < retryAfterNanos) {
      return null;
    }
    if (asked.size() >= MAX_ASKED) {
      asked.clear();
    }
    asked.put(reference, now);
    if (CacheLink.onEventLoop()) {
      loadLater();
      return null;
    }
    try {
      merge(link.call("classes", () -> hash().readAllMap()));
    } catch (RuntimeException e) {
      logger.debug("Could not read the class dictionary {}", key, e);
      return null;
    }
    return known.get(reference);
  }

  @Override
  public boolean refer(int reference, String entry) {
    String held = known.get(reference);
    if (held == null) {
      held = known.putIfAbsent(reference, entry);
    }
    if ((held != null && !held.equals(entry)) || clashing.contains(reference)) {
      clashing.add(reference);
      return false;
    }
    own.putIfAbsent(reference, entry);
    Long at = seen.get(reference);
    if (at == null || System.nanoTime() - at > reclaimAfterNanos) {
      claims.putIfAbsent(reference, entry);
    }
    return true;
  }

  /** Returns the claims a write sends now: every entry referred to and not seen in Redis lately. */
  List<Claim> claimed() {
    if (claims.isEmpty()) {
      return List.of();
    }
    List<Claim> sent = new ArrayList<>(claims.size());
    claims.forEach((reference, entry) -> sent.add(new Claim(reference, entry)));
    return sent;
  }

  /** Returns a write script's third argument with the claims appended: {@code |<reference>:<length>:<entry>} each. */
  static byte[] withClaims(byte[] header, List<Claim> sent) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + 64 * sent.size());
    out.writeBytes(header);
    out.write('|');
    for (Claim claim : sent) {
      byte[] entry = claim.entry().getBytes(UTF_8);
      out.writeBytes((ClassDictionary.hex(claim.reference()) + ":" + entry.length + ":").getBytes(UTF_8));
      out.writeBytes(entry);
    }
    return out.toByteArray();
  }

  /** Notes that a write carrying the claims succeeded: Redis holds their entries. */
  void written(List<Claim> sent) {
    long now = System.nanoTime();
    for (Claim claim : sent) {
      seen.put(claim.reference(), now);
      claims.remove(claim.reference(), claim.entry());
    }
  }

  /** Notes a write refused for the failure's clashing reference, if that was its failure: that class is written by name from now on. */
  void failed(List<Claim> sent, RuntimeException failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      int at = message.indexOf(CLASH + " ");
      if (at >= 0) {
        String reference = message.substring(at + CLASH.length() + 1).split("[^0-9a-fA-F]", 2)[0];
        for (Claim claim : sent) {
          if (ClassDictionary.hex(claim.reference()).equals(reference)) {
            clashing.add(claim.reference());
            claims.remove(claim.reference());
            logger.warn("The class {} has the same reference in the class dictionary {} as another class; values of"
                + " it are written with its name from now on", claim.entry(), key);
          }
        }
        return;
      }
    }
  }

  /** Starts reading the dictionary, unless a read is under way; a failure leaves it as it was. */
  private void loadLater() {
    if (loading.compareAndSet(false, true)) {
      hash().readAllMapAsync().whenComplete((held, failure) -> {
        loading.set(false);
        if (failure == null) {
          merge(held);
        }
      });
    }
  }

  /** Takes in the entries Redis holds that hash to their reference, and claims again those of this JVM that it lost. */
  private void merge(Map<String, String> held) {
    long now = System.nanoTime();
    Set<Integer> present = new HashSet<>();
    held.forEach((field, entry) -> {
      Integer reference = parse(field);
      if (reference == null || entry == null || ClassDictionary.referenceOf(entry) != reference) {
        return; // not an entry of that reference: ignored
      }
      present.add(reference);
      if (known.size() >= MAX_KNOWN && !known.containsKey(reference)) {
        return;
      }
      String mine = known.putIfAbsent(reference, entry);
      if (mine != null && !mine.equals(entry)) {
        clashing.add(reference);
      } else {
        seen.put(reference, now);
      }
    });
    own.forEach((reference, entry) -> {
      if (!present.contains(reference)) {
        seen.remove(reference);
        claims.putIfAbsent(reference, entry);
      }
    });
  }

  private static @Nullable Integer parse(String field) {
    try {
      return (field.length() != 8) ? null : Integer.parseUnsignedInt(field, 16);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private RMap<String, String> hash() {
    return link.client().getMap(key, StringCodec.INSTANCE);
  }

  /** An entry sent with a write, to be in the dictionary before the write's values. */
  record Claim(int reference, String entry) {}
}
