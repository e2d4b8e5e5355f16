#!/usr/bin/env bash
# Every benchmark of issue 6 that can run today, in one command: installs the peers that are
# Debian packages (sox, ffmpeg, jackd2; espeak-ng for the corpus), builds loa (release preset),
# makes the corpus, runs programme_bench, render_bench.sh (with the JACK dummy server started
# around it, unless one runs) and scan_bench.sh, and puts their tables together in
# bench/out/results.txt. Takes about 15 minutes on 2 cores with RUNS=3.
# Usage: bench/run_all.sh [RUNS]   (default 3)
#   BENCH_BUILD=DIR        use loa and programme_bench already built in DIR (DIR/app/loa,
#                          DIR/bench/programme_bench) for programme_bench and scan_bench instead of
#                          building the release preset (render_bench.sh always builds and uses it)
#   BENCH_SKIP_RENDER=1    keep bench/out/render.txt from an earlier run (render_bench takes ~6 min)
# Not measured yet (they need `loa run`): start-time error on the JACK dummy server, idle cost
# against Liquidsoap, playing a one-hour MP3 against Liquidsoap.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
export LC_NUMERIC=C

scripts/install-deps.sh test  # build tools, jackd2, espeak-ng, sox
for p in ffmpeg time; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || {
    sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >/dev/null
  }
done

build=${BENCH_BUILD:-}
if [ -z "$build" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target loa programme_bench >/dev/null
  build=build/release
fi
for b in "$build/app/loa" "$build/bench/programme_bench"; do
  [ -x "$b" ] || { echo "run_all: $b is missing; build it or unset BENCH_BUILD" >&2; exit 1; }
done

bench/make_corpus.sh

mkdir -p bench/out
echo "== programme_bench"
"$build/bench/programme_bench" | tee bench/out/programme.txt
if [ "${BENCH_SKIP_RENDER:-}" = 1 ] && [ -f bench/out/render.txt ]; then
  echo "== render_bench.sh: kept bench/out/render.txt (BENCH_SKIP_RENDER=1)"
else
  # The JACK dummy server only around render_bench (its last line plays on it): its periodic
  # wake-ups would otherwise run beside the other benchmarks.
  started_jack=0
  if ! scripts/jack-dummy.sh status >/dev/null 2>&1; then
    scripts/jack-dummy.sh start
    started_jack=1
  fi
  stop_jack() { if [ "$started_jack" = 1 ]; then scripts/jack-dummy.sh stop; started_jack=0; fi; }
  trap stop_jack EXIT
  echo "== render_bench.sh $runs"
  bench/render_bench.sh "$runs"
  stop_jack
fi
echo "== scan_bench.sh $runs"
LOA=$build/app/loa bench/scan_bench.sh "$runs"

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
  echo "== 3-5. not measured yet: they need \`loa run\` (the on-air service), which is not built"
  echo "  3. start-time error on the JACK dummy server"
  echo "  4. idle cost against Liquidsoap"
  echo "  5. playing a one-hour MP3 against Liquidsoap"
  echo "  liquidsoap in Debian: ${liquidsoap:-not found} ($([ -n "$liquidsoap" ] && [ "$liquidsoap" != "(none)" ] && echo "installable with apt-get" || echo "not installable"))"
} >bench/out/results.txt
echo "== bench/out/results.txt"
cat bench/out/results.txt
