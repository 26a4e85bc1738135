package io.multitier.bench;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** Keys, values and access sequences shared by every workload: the same for every contender. */
public final class Data {

  /** Bytes in every value. */
  public static final int VALUE_SIZE = 100;

  private Data() {}

  /** The key of index i: a String of 11 characters ("k" and ten digits). */
  public static String key(int i) {
    return String.format("k%010d", i);
  }

  public static String[] keys(int count) {
    String[] keys = new String[count];
    for (int i = 0; i < count; i++) {
      keys[i] = key(i);
    }
    return keys;
  }

  /** A fresh 100-byte value whose content depends on i. */
  public static byte[] value(int i) {
    byte[] value = new byte[VALUE_SIZE];
    Arrays.fill(value, (byte) i);
    value[0] = (byte) (i >>> 8);
    value[1] = (byte) (i >>> 16);
    return value;
  }

  public static Map<String, byte[]> entries(String[] keys) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (int i = 0; i < keys.length; i++) {
      entries.put(keys[i], value(i));
    }
    return entries;
  }

  /** A uniform random sequence of indexes in [0, bound), length a power of two. */
  public static int[] uniform(int length, int bound, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] sequence = new int[length];
    for (int i = 0; i < length; i++) {
      sequence[i] = random.nextInt(bound);
    }
    return sequence;
  }

  /**
   * A Zipfian sequence (exponent 0.99, as YCSB) over [0, items): index 0 is the hottest key. The
   * sign bit marks a write (a fraction writeShare of the operations, independent of the key).
   */
  public static int[] zipfian(int length, int items, double writeShare, long seed) {
    double[] cumulative = new double[items];
    double sum = 0;
    for (int i = 0; i < items; i++) {
      sum += 1.0 / Math.pow(i + 1, 0.99);
      cumulative[i] = sum;
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] sequence = new int[length];
    for (int i = 0; i < length; i++) {
      double u = random.nextDouble() * sum;
      int index = Arrays.binarySearch(cumulative, u);
      index = (index >= 0) ? index : Math.min(-index - 1, items - 1);
      sequence[i] = (random.nextDouble() < writeShare) ? (index | Integer.MIN_VALUE) : index;
    }
    return sequence;
  }

  /** Sets of 100 distinct keys drawn uniformly from keys. */
  public static Set<String>[] keySets(String[] keys, int sets, int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    @SuppressWarnings("unchecked")
    Set<String>[] result = new Set[sets];
    for (int s = 0; s < sets; s++) {
      Set<String> set = new HashSet<>();
      while (set.size() < size) {
        set.add(keys[random.nextInt(keys.length)]);
      }
      result[s] = set;
    }
    return result;
  }
}
