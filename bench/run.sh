#!/usr/bin/env bash
# Runs the benchmark suite end to end:  bench/run.sh [quick|full|smoke] [Benchmark ...]
#
#   1. installs the provider from the repository root (mvn install, tests skipped) and builds the
#      shaded benchmarks jar (bench/target/benchmarks.jar);
#   2. starts its own redis-server on a free loopback port (no persistence) and stops it at the end;
#   3. runs JMH (one fork per trial), then the round-trip counts and the heap-per-entry measurements;
#   4. writes everything to bench/results/<mode>/ (JMH JSON, roundtrips.json, heap.jsonl, report.md)
#      and draws bench/throughput.png (quick) or bench/throughput-full.png (full) with java.awt.
#
# quick: 1 fork, 2 x 1 s warm-up, 3 x 1 s measurement, a selected subset of parameters (< 10 min on 2 cores).
# full:  2 forks, 3 x 2 s warm-up, 5 x 2 s measurement, every contender, both store-by settings, 1 and 2 threads.
# smoke: quick's selection with tiny runs (development only).
#
# Benchmark names after the mode (JMH classes: GetHit, TieredGetHit, Put, ZipfMix, GetAll, L2Hit,
# ReadThrough) run only those workloads of the mode's selection, without the round-trip and heap
# counts, into bench/results/<mode>-<names>/ (report.md and throughput.png inside that folder):
#
#   bench/run.sh quick TieredGetHit    # tiered vs L1-only L1-hit get (issue 10), about 2 minutes
#
# BENCH_SKIP_BUILD=1 skips step 1 and uses the benchmarks jar as it is (e.g. to re-run without
# re-installing the provider into the local Maven repository).
set -euo pipefail

mode="${1:-quick}"
shift || true
selected=("$@")
case "$mode" in
  quick) jmh_opts=(-f 1 -wi 2 -w 1s -i 3 -r 1s); plot="throughput.png" ;;
  full)  jmh_opts=(-f 2 -wi 3 -w 2s -i 5 -r 2s); plot="throughput-full.png" ;;
  smoke) jmh_opts=(-f 1 -wi 0 -i 1 -r 200ms); plot="throughput-smoke.png" ;;  # development only: quick's selection, tiny runs
  *) echo "usage: bench/run.sh [quick|full] [Benchmark ...]  (smoke: a tiny development run)" >&2; exit 2 ;;
esac
known=" GetHit TieredGetHit Put ZipfMix GetAll L2Hit ReadThrough "
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

echo "== starting redis-server"
redis_dir="$(mktemp -d -t bench-redis-XXXXXX)"
redis_pid=""
stop_redis() {
  if [ -n "$redis_pid" ] && kill -0 "$redis_pid" 2>/dev/null; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  rm -rf "$redis_dir"
}
trap stop_redis EXIT
for attempt in 1 2 3 4 5; do
  port=$(( 20000 + RANDOM % 30000 ))
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi  # taken
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$redis_dir" \
    --daemonize no >"$redis_dir/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 50); do
    if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then break 2; fi
    sleep 0.1
  done
  kill "$redis_pid" 2>/dev/null || true; redis_pid=""
done
[ -n "$redis_pid" ] || { echo "run.sh: could not start redis-server" >&2; cat "$redis_dir/redis.log" >&2; exit 1; }
address="redis://127.0.0.1:$port"
echo "redis-server $(redis-server --version | awk '{print $3}') on $address (pid $redis_pid)"

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
  echo "jmh options: ${jmh_opts[*]}"
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
  echo "== JMH $name: $class $*"
  # the pattern matches that class only (a bare 'GetHit' would also match TieredGetHit)
  local status
  set +e
  java -jar "$jar" "${jmh_opts[@]}" -rf json -rff "$out" \
    -jvmArgsAppend "-Xms1g -Xmx1g -Dbench.redis=$address" "\\.$class\\." "$@" 2>&1 \
    | grep -E '^(# Benchmark:|# Parameters|# Threads|Benchmark |[A-Z][A-Za-z0-9]+\.[a-zA-Z0-9]+)|Exception|Error|ERROR'
  status=${PIPESTATUS[0]}
  set -e
  # JMH exits non-zero when it cannot run at all, e.g. while another JMH holds /tmp/jmh.lock
  [ "$status" -eq 0 ] || { echo "run.sh: JMH $name failed (exit $status)" >&2; exit 1; }
}

in_process="mtj-l1,caffeine-jcache,ehcache3"
if [ "$mode" != full ]; then
  jmh gethit-local-1t   GetHit -p impl=$in_process -p storeBy=value,reference -t 1
  jmh gethit-local-2t   GetHit -p impl=$in_process -p storeBy=value,reference -t 2
  jmh gethit-other-1t   GetHit -p impl=raw-caffeine,mtj-tiered,redisson-jcache,raw-redisson -p storeBy=value -t 1
  jmh gethit-other-2t   GetHit -p impl=raw-caffeine,mtj-tiered,redisson-jcache,raw-redisson -p storeBy=value -t 2
  for t in 1 2; do
    jmh "tieredgethit-l1-${t}t"     TieredGetHit -p impl=mtj-l1 -p storeBy=value,reference -p expiry=eternal,created,accessed -t $t
    jmh "tieredgethit-tiered-${t}t" TieredGetHit -p impl=mtj-tiered -p storeBy=value -p expiry=eternal,created,accessed -t $t
  done
  jmh put-local-1t      Put -p impl=$in_process -p storeBy=value,reference -t 1
  jmh put-other-1t      Put -p impl=raw-caffeine,mtj-tiered,redisson-jcache,raw-redisson -p storeBy=value -t 1
  jmh zipf-1t           ZipfMix -p impl=$in_process,raw-caffeine,mtj-tiered,redisson-jcache -p storeBy=value -t 1
  jmh getall-1t         GetAll -p impl=$in_process,raw-caffeine,mtj-tiered,redisson-jcache,raw-redisson -p storeBy=value -t 1
  jmh l2hit-1t          L2Hit -t 1
  jmh readthrough-1t    ReadThrough -p impl=$in_process,raw-caffeine,mtj-tiered,redisson-jcache -p storeBy=value -t 1
else
  for t in 1 2; do
    for w in GetHit Put ZipfMix GetAll ReadThrough; do
      jmh "$w-local-${t}t" "$w" -p impl=$in_process -p storeBy=value,reference -t $t
      others=raw-caffeine,mtj-tiered,redisson-jcache
      case "$w" in GetHit|Put|GetAll) others="$others,raw-redisson" ;; esac
      jmh "$w-other-${t}t" "$w" -p impl=$others -p storeBy=value -t $t
    done
    jmh "l2hit-${t}t" L2Hit -t $t
    jmh "tieredgethit-l1-${t}t"     TieredGetHit -p impl=mtj-l1 -p storeBy=value,reference -p expiry=eternal,created,accessed -t $t
    jmh "tieredgethit-tiered-${t}t" TieredGetHit -p impl=mtj-tiered -p storeBy=value -p expiry=eternal,created,accessed -t $t
  done
fi

if [ ${#selected[@]} -eq 0 ]; then
  echo "== Redis round trips per operation"
  java -Dbench.redis="$address" -cp "$jar" io.multitier.bench.RoundTrips "$results/roundtrips.json"

  echo "== heap per entry"
  for contender in "payload -" "mtj-l1 value" "mtj-l1 reference" "caffeine-jcache value" "caffeine-jcache reference" \
      "ehcache3 value" "ehcache3 reference" "raw-caffeine -"; do
    # shellcheck disable=SC2086
    java -Xms2g -Xmx2g -XX:+UseSerialGC -cp "$jar" io.multitier.bench.HeapPerEntry $contender "$results/heap.jsonl"
  done
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$results/environment.txt"

echo "== report and plot"
java -cp "$jar" io.multitier.bench.Report "$results" >/dev/null
java -Djava.awt.headless=true -cp "$jar" io.multitier.bench.Plot "$results" "$bench/$plot"
echo "== done in $(( $(date +%s) - start_time )) s: $results/report.md, $bench/$plot"
