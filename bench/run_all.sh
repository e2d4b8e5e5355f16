#!/usr/bin/env bash
# Every benchmark of issue 6, in one command: installs the peers that are Debian packages (sox,
# ffmpeg, jackd2, liquidsoap; espeak-ng for the corpus), builds loa (release preset), makes the
# corpus, runs programme_bench, render_bench.sh, start_time_bench.sh and idle_bench.sh (with the
# JACK dummy server started around them, unless one runs), scan_bench.sh and run_memory_bench.sh,
# and puts their tables together in bench/out/results.txt. Takes about 40 minutes on 2 cores with
# RUNS=3 (the idle and one-hour-MP3 watches run in real time: 5 min each for loa and Liquidsoap).
# Usage: bench/run_all.sh [RUNS]   (default 3)
#   BENCH_BUILD=DIR        use loa and programme_bench already built in DIR (DIR/app/loa,
#                          DIR/bench/programme_bench) for programme_bench, scan_bench and the three
#                          `loa run` benchmarks (which build loa and jack_onset there) instead of
#                          building the release preset (render_bench.sh too, through LOA)
#   BENCH_SKIP_RENDER=1    keep bench/out/render.txt from an earlier run (render_bench takes ~12 min)
#   LOA_IDLE_SECONDS=N     idle_bench's watch (default here 300; the script's own default is 600)
#   LOA_RUN_SECONDS=N      run_memory_bench's watch (default here 300; the script's own is 3600)
#   LOA_RUN_TOGETHER=0     watch loa and Liquidsoap one after the other (default here: side by side)
#   LOA_SKIP_LIQUIDSOAP=1  neither install nor measure Liquidsoap
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
export LC_NUMERIC=C

scripts/install-deps.sh test  # build tools, jackd2, espeak-ng, sox
peers=(ffmpeg time)
[ "${LOA_SKIP_LIQUIDSOAP:-}" = 1 ] || peers+=(liquidsoap)
for p in "${peers[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || {
    sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >/dev/null
  }
done

build=${BENCH_BUILD:-}
if [ -z "$build" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target loa programme_bench jack_onset >/dev/null
  build=build/release
fi
for b in "$build/app/loa" "$build/bench/programme_bench"; do
  [ -x "$b" ] || { echo "run_all: $b is missing; build it or unset BENCH_BUILD" >&2; exit 1; }
done

bench/make_corpus.sh

mkdir -p bench/out
echo "== programme_bench"
"$build/bench/programme_bench" | tee bench/out/programme.txt
# The JACK dummy server only around the benchmarks that play on it (render_bench's last line, the
# start time, the idle cost): its periodic wake-ups would otherwise run beside the others.
started_jack=0
if ! scripts/jack-dummy.sh status >/dev/null 2>&1; then
  scripts/jack-dummy.sh start
  started_jack=1
fi
stop_jack() { if [ "$started_jack" = 1 ]; then scripts/jack-dummy.sh stop; started_jack=0; fi; }
trap stop_jack EXIT
if [ "${BENCH_SKIP_RENDER:-}" = 1 ] && [ -f bench/out/render.txt ]; then
  echo "== render_bench.sh: kept bench/out/render.txt (BENCH_SKIP_RENDER=1)"
else
  echo "== render_bench.sh $runs"
  LOA=${BENCH_BUILD:+$BENCH_BUILD/app/loa} bench/render_bench.sh "$runs"
fi
echo "== start_time_bench.sh"
BENCH_BUILD=$build bench/start_time_bench.sh
echo "== idle_bench.sh"
BENCH_BUILD=$build LOA_IDLE_SECONDS=${LOA_IDLE_SECONDS:-300} bench/idle_bench.sh
stop_jack
echo "== scan_bench.sh $runs"
LOA=$build/app/loa bench/scan_bench.sh "$runs"
echo "== run_memory_bench.sh"
BENCH_BUILD=$build LOA_RUN_SECONDS=${LOA_RUN_SECONDS:-300} LOA_RUN_TOGETHER=${LOA_RUN_TOGETHER:-1} \
  bench/run_memory_bench.sh

liquidsoap=$(apt-cache policy liquidsoap 2>/dev/null | awk '/Candidate:/ {print $2}')
{
  echo "loa benchmarks (issue 6), $(date -u +%Y-%m-%dT%H:%MZ), loa $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "$(awk '/MemTotal/ {printf "%.1f GB", $2 / 1048576}' /proc/meminfo) RAM, Debian $(cat /etc/debian_version)"
  echo
  echo "== 1. render one hour (bench/render_bench.sh)"
  cat bench/out/render.txt
  echo
  echo "== 2. loudness scan (bench/scan_bench.sh; per file: bench/out/scan.txt)"
  sed '/^per file/,$d' bench/out/scan.txt
  echo
  echo "== programme language (bench/programme_bench)"
  cat bench/out/programme.txt
  echo
  echo "== 3. start-time error on the JACK dummy server (bench/start_time_bench.sh)"
  cat bench/out/start_time.txt
  echo
  echo "== 4. idle cost against Liquidsoap (bench/idle_bench.sh)"
  cat bench/out/idle.txt
  echo
  echo "== 5. airing a one-hour MP3 against Liquidsoap (bench/run_memory_bench.sh)"
  cat bench/out/run_memory.txt
  echo
  echo "liquidsoap in Debian: ${liquidsoap:-not found}"
} >bench/out/results.txt
echo "== bench/out/results.txt"
cat bench/out/results.txt
