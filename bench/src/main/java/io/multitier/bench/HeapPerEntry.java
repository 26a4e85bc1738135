package io.multitier.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Bytes of heap per entry of an in-process cache: used heap after full GCs, before and after storing
 * 100,000 entries (fresh 11-character String keys, fresh 100-byte values, no reference kept by the
 * caller), divided by 100,000. The size bound is 200,000 so nothing is evicted. Run one contender per
 * JVM with {@code -XX:+UseSerialGC} (bench/run.sh does). The payload alone (the keys and values, held
 * in two arrays) is measured the same way and reported beside it.
 *
 * <p>Usage: {@code HeapPerEntry <impl> <value|reference> <output.jsonl>}, or {@code HeapPerEntry payload - <output.jsonl>}.
 */
public final class HeapPerEntry {

  private static final int ENTRIES = 100_000;

  public static void main(String[] args) throws Exception {
    String impl = args[0];
    String storeBy = args[1];
    long before = usedAfterGc();
    Object keep;
    long after;
    if (impl.equals("payload")) {
      String[] keys = new String[ENTRIES];
      byte[][] values = new byte[ENTRIES][];
      for (int i = 0; i < ENTRIES; i++) {
        keys[i] = Data.key(i);
        values[i] = Data.value(i);
      }
      after = usedAfterGc() - 2L * (16 + 4L * ENTRIES); // less the two arrays themselves (compressed oops)
      keep = new Object[] {keys, values};
    } else {
      Contender cache = Contenders.create(impl, storeBy.equals("value"), 2 * ENTRIES, false);
      before = usedAfterGc();
      for (int i = 0; i < ENTRIES; i++) {
        cache.put(Data.key(i), Data.value(i));
      }
      Thread.sleep(500); // let Caffeine's maintenance drain its buffers
      after = usedAfterGc();
      int present = 0;
      for (int i = 0; i < ENTRIES; i += 97) {
        present += (cache.get(Data.key(i)) != null) ? 1 : 0;
      }
      if (present != (ENTRIES + 96) / 97) {
        throw new IllegalStateException(impl + " evicted entries: " + present);
      }
      keep = cache;
    }
    double perEntry = (after - before) / (double) ENTRIES;
    String line = String.format(java.util.Locale.ROOT,
        "{\"contender\": \"%s\", \"storeBy\": \"%s\", \"entries\": %d, \"bytesPerEntry\": %.1f}%n",
        impl, storeBy, ENTRIES, perEntry);
    System.out.print(line);
    Files.writeString(Path.of(args[2]), line, UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    if (keep.hashCode() == 42) {
      System.out.print("");
    }
    System.exit(0);
  }

  private static long usedAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
