#!/usr/bin/env bash
# Runs the benchmark suite end to end:  bench/run.sh [quick|full|smoke|scale] [Benchmark ...]
#
#   1. installs the provider from the repository root (mvn install, tests skipped: the test harness's
#      test-jar is built and installed too) and builds the shaded benchmarks jar (bench/target/benchmarks.jar);
#   2. starts its own redis-server on a free loopback port through the provider's test harness
#      (io.multitier.jcache.testing.RedisServer, run by io.multitier.bench.RedisMain) and stops it at the end;
#   3. runs JMH (one fork per trial), then the round-trip counts, the heap-per-entry measurements and
#      (full, scale) the scale model and the CPU a notice costs a node;
#   4. writes everything to bench/results/<mode>/ (JMH JSON, roundtrips.json, heap.jsonl, scale.json,
#      notice.json, report.md) and draws bench/throughput.png (full) or bench/throughput-<mode>.png with java.awt;
#      full also writes the report into BENCHMARKS.md, between its report:begin and report:end markers.
#
# quick: 1 fork, 2 x 1 s warm-up, 3 x 1 s measurement, a selected subset of parameters (about 20 minutes).
# full:  2 forks, 2 x 1 s warm-up, 4 x 1 s measurement (Remote: 1 fork, 5 x 1 s), the selection below,
#        then the scale model: 135 trials, about 55 minutes on 2 cores (BENCHMARKS.md, "The command").
# smoke: quick's selection with tiny runs (development only).
# scale: the scale model alone (2, 4 and 8 JVMs sharing one redis-server; publish and tracking; every node
#        reading every key or its own share, again and again) and NoticeCpu, about 17 minutes.
#
# Benchmark names after the mode (JMH classes: GetHit, TieredGetHit, Put, ZipfMix, GetAll,
# ReadThrough, Remote, Codecs) run only those workloads of the mode's selection, without the round-trip and
# heap counts, into bench/results/<mode>-<names>/ (report.md and throughput.png inside that folder):
#
#   bench/run.sh quick TieredGetHit    # tiered vs L1-only L1-hit get (issue 10), about 2 minutes
#   bench/run.sh quick Remote          # the remote paths at 1, 16 and 64 threads
#
# BENCH_SKIP_BUILD=1 skips step 1 and uses the benchmarks jar as it is (e.g. to re-run without
# re-installing the provider into the local Maven repository).
set -euo pipefail

mode="${1:-quick}"
shift || true
selected=("$@")
case "$mode" in
  quick) jmh_opts=(-f 1 -wi 2 -w 1s -i 3 -r 1s); remote_opts=("${jmh_opts[@]}"); plot="throughput-quick.png" ;;
  full)  jmh_opts=(-f 2 -wi 2 -w 1s -i 4 -r 1s); remote_opts=(-f 1 -wi 2 -w 1s -i 5 -r 1s); plot="throughput.png" ;;
  smoke) jmh_opts=(-f 1 -wi 0 -i 1 -r 200ms); remote_opts=("${jmh_opts[@]}"); plot="throughput-smoke.png" ;;  # development only
  scale) jmh_opts=(); remote_opts=(); plot="" ;;
  *) echo "usage: bench/run.sh [quick|full|scale] [Benchmark ...]  (smoke: a tiny development run)" >&2; exit 2 ;;
esac
known=" GetHit TieredGetHit Put ZipfMix GetAll ReadThrough Remote Codecs "
for name in "${selected[@]}"; do
  case "$known" in *" $name "*) ;; *) echo "run.sh: unknown benchmark $name (one of:$known)" >&2; exit 2 ;; esac
done

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"
results="$bench/results/$mode"
if [ ${#selected[@]} -gt 0 ]; then
  results="$results-$(IFS=-; echo "${selected[*]}")"
  plot="results/$(basename "$results")/throughput.png"
fi
start_time=$(date +%s)

command -v java >/dev/null || { echo "run.sh: java 17 is required" >&2; exit 1; }
command -v mvn >/dev/null || { echo "run.sh: maven is required" >&2; exit 1; }
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
  bash "$root/.ci/install-redis.sh"
fi

jar="$bench/target/benchmarks.jar"
if [ "${BENCH_SKIP_BUILD:-}" = 1 ] && [ -f "$jar" ]; then
  echo "== BENCH_SKIP_BUILD=1: using $jar as it is"
else
  echo "== building: provider (install, no tests), then the benchmarks jar"
  (cd "$root" && mvn -q -B install -DskipTests)
  (cd "$bench" && mvn -q -B package)
fi

echo "== starting redis-server (the provider's test harness, RedisServer)"
redis_dir="$(mktemp -d -t bench-redis-XXXXXX)"
redis_main=""
stop_redis() {
  if [ -n "$redis_main" ] && kill -0 "$redis_main" 2>/dev/null; then
    kill "$redis_main" 2>/dev/null || true  # its shutdown hook stops the server and deletes its directory
    wait "$redis_main" 2>/dev/null || true
  fi
  rm -rf "$redis_dir"
}
trap stop_redis EXIT
java -cp "$jar" io.multitier.bench.RedisMain "$redis_dir/address" >"$redis_dir/redis-main.log" 2>&1 &
redis_main=$!
for _ in $(seq 300); do
  [ -f "$redis_dir/address" ] && break
  kill -0 "$redis_main" 2>/dev/null || break
  sleep 0.1
done
[ -f "$redis_dir/address" ] || { echo "run.sh: could not start redis-server" >&2; cat "$redis_dir/redis-main.log" >&2; exit 1; }
address="$(cat "$redis_dir/address")"
echo "redis-server $(redis-server --version | awk '{print $3}') on $address (RedisMain pid $redis_main)"

rm -rf "$results"
mkdir -p "$results"
{
  echo "mode: $mode"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "java: $(java -version 2>&1 | head -2 | tr '\n' ' ')"
  echo "redis: $(redis-server --version)"
  echo "jmh options: ${jmh_opts[*]:-}; Remote: ${remote_opts[*]:-}"
  echo "benchmarks: ${selected[*]:-all}"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$results/environment.txt"

run=0
jmh() {  # jmh <name> <JMH benchmark class> <jmh args...>; skipped unless the class is selected
  local name="$1" class="$2"; shift 2
  if [ ${#selected[@]} -gt 0 ] && [[ " ${selected[*]} " != *" $class "* ]]; then
    return 0
  fi
  run=$((run + 1))
  local out; out=$(printf '%s/jmh-%02d-%s.json' "$results" "$run" "$name")
  local opts=("${jmh_opts[@]}")
  [ "$class" = Remote ] && opts=("${remote_opts[@]}")
  echo "== JMH $name: $class ${methods:-} $*"
  # the pattern matches that class only (a bare 'GetHit' would also match TieredGetHit)
  local status
  set +e
  java -jar "$jar" "${opts[@]}" -rf json -rff "$out" \
    -jvmArgsAppend "-Xms1g -Xmx1g -Dbench.redis=$address" "\\.$class\\.${methods:-}" "$@" 2>&1 \
    | grep -E '^(# Benchmark:|# Parameters|# Threads|Benchmark |[A-Z][A-Za-z0-9]+\.[a-zA-Z0-9]+)|Exception|Error|ERROR'
  status=${PIPESTATUS[0]}
  set -e
  # JMH exits non-zero when it cannot run at all, e.g. while another JMH holds /tmp/jmh.lock
  [ "$status" -eq 0 ] || { echo "run.sh: JMH $name failed (exit $status)" >&2; exit 1; }
}

# The remote contenders' gets, puts and getAlls are measured by Remote (an L2 hit for our tiered
# cache); GetHit, Put and GetAll run them in-process only (mtj-tiered there: L1 hits).
in_process="mtj-l1,caffeine-jcache,ehcache3"
remote="mtj-tiered,redisson-jcache,raw-redisson"
case "$mode" in
  quick|smoke)
    for t in 1 2; do
      jmh "gethit-local-${t}t" GetHit -p impl=$in_process -p storeBy=value,reference -t $t
      jmh "gethit-other-${t}t" GetHit -p impl=raw-caffeine,mtj-tiered -p storeBy=value -t $t
    done
    for t in 1 2; do
      jmh "tieredgethit-l1-${t}t"     TieredGetHit -p impl=mtj-l1 -p storeBy=value,reference -p expiry=eternal,created,accessed -t $t
      jmh "tieredgethit-tiered-${t}t" TieredGetHit -p impl=mtj-tiered -p storeBy=value -p expiry=eternal,created,accessed -t $t
    done
    jmh put-local-1t      Put -p impl=$in_process -p storeBy=value,reference -t 1
    jmh put-other-1t      Put -p impl=raw-caffeine -p storeBy=value -t 1
    jmh zipf-1t           ZipfMix -p impl=$in_process,raw-caffeine,mtj-tiered,redisson-jcache -p storeBy=value -t 1
    jmh getall-1t         GetAll -p impl=$in_process,raw-caffeine,mtj-tiered -p storeBy=value -t 1
    jmh readthrough-1t    ReadThrough -p impl=$in_process,raw-caffeine,mtj-tiered,redisson-jcache -p storeBy=value -t 1
    for t in 1 16 64; do
      jmh "remote-${t}t"  Remote -p impl=$remote -t $t
    done
    jmh codecs Codecs -t 1
    ;;
  full)
    for t in 1 2; do
      jmh "gethit-local-${t}t" GetHit -p impl=$in_process -p storeBy=value,reference -t $t
      jmh "gethit-other-${t}t" GetHit -p impl=raw-caffeine,mtj-tiered -p storeBy=value -t $t
      # the expiry policies issue 10's targets name (accessed: bench/run.sh quick TieredGetHit)
      jmh "tieredgethit-l1-${t}t"     TieredGetHit -p impl=mtj-l1 -p storeBy=value,reference -p expiry=eternal,created -t $t
      jmh "tieredgethit-tiered-${t}t" TieredGetHit -p impl=mtj-tiered -p storeBy=value -p expiry=eternal,created -t $t
      jmh "put-local-${t}t"  Put -p impl=$in_process -p storeBy=value,reference -t $t
      jmh "put-other-${t}t"  Put -p impl=raw-caffeine -p storeBy=value -t $t
      jmh "zipf-local-${t}t" ZipfMix -p impl=$in_process -p storeBy=value,reference -t $t
      jmh "zipf-other-${t}t" ZipfMix -p impl=raw-caffeine,mtj-tiered,redisson-jcache -p storeBy=value -t $t
      jmh "getall-${t}t"     GetAll -p impl=$in_process,raw-caffeine,mtj-tiered -p storeBy=value -t $t
    done
    jmh readthrough-1t ReadThrough -p impl=$in_process,raw-caffeine,mtj-tiered,redisson-jcache -p storeBy=value -t 1
    for t in 1 16 64; do
      jmh "remote-${t}t" Remote -p impl=$remote -t $t
    done
    # the 2-thread costs of the Zipfian bound (an L2-hit get and a put of our tiered cache)
    methods='(get|put)$' jmh remote-2t Remote -p impl=mtj-tiered -t 2
    jmh codecs Codecs -t 1
    ;;
esac

if [ ${#selected[@]} -eq 0 ] && [ "$mode" != scale ]; then
  echo "== Redis round trips per operation"
  java -Dbench.redis="$address" -cp "$jar" io.multitier.bench.RoundTrips "$results/roundtrips.json"

  echo "== heap per entry"
  for contender in "payload -" "mtj-l1 value" "mtj-l1 reference" "caffeine-jcache value" "caffeine-jcache reference" \
      "ehcache3 value" "ehcache3 reference" "raw-caffeine -"; do
    # shellcheck disable=SC2086
    java -Xms2g -Xmx2g -XX:+UseSerialGC -cp "$jar" io.multitier.bench.HeapPerEntry $contender "$results/heap.jsonl"
  done
fi

if [ ${#selected[@]} -eq 0 ] && { [ "$mode" = full ] || [ "$mode" = scale ]; }; then
  echo "== scale model: 2, 4 and 8 JVMs on one redis-server, invalidation publish and tracking, every node reading"
  echo "   every key or its own share, again and again"
  java -Dbench.redis="$address" -Dscale.invalidations=publish,tracking -Dscale.reads=all,own -Dscale.sweepMillis=1000 \
    -Dscale.nodeRate=100 -Dscale.idleMillis=3000 -Dscale.writeMillis=6000 -Dscale.warmupMillis=3000 \
    -cp "$jar" io.multitier.bench.ScaleModel "$results/scale.json"
  echo "== CPU per notice on a receiving node (publish, tracking)"
  java -Dbench.redis="$address" -cp "$jar" io.multitier.bench.NoticeCpu "$results/notice.json"
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$results/environment.txt"

echo "== report${plot:+ and plot}"
if [ "$mode" = full ] && [ ${#selected[@]} -eq 0 ]; then
  java -cp "$jar" io.multitier.bench.Report "$results" "$root/BENCHMARKS.md" >/dev/null
else
  java -cp "$jar" io.multitier.bench.Report "$results" >/dev/null
fi
if [ -n "$plot" ]; then
  java -Djava.awt.headless=true -cp "$jar" io.multitier.bench.Plot "$results" "$bench/$plot"
fi
echo "== done in $(( $(date +%s) - start_time )) s: $results/report.md${plot:+, $bench/$plot}"
