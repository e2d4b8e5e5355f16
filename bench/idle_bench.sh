#!/usr/bin/env bash
# What an idle loa costs: `loa run` with its next broadcast an hour away, for N seconds, after a
# 5 s settle (start-up is not idle): CPU seconds (utime + stime), on-CPU ms of its threads, wake-ups
# (voluntary + nonvoluntary context switches, summed over its threads) and memory; then the same
# for Liquidsoap 2.1 with the same schedule (bench/liquidsoap/schedule.liq: a switch on a time
# predicate over blank), if it is installed. Prints both and the ratios into bench/out/idle.txt.
# Usage: bench/idle_bench.sh
#   LOA_IDLE_SECONDS=N      how long each is watched (default 600)
#   LOA_IDLE_OUTPUT=jack    jack (default: the JACK server, dummy driver unless one runs; loa holds
#                           no JACK client while idle, Liquidsoap's output.jack streams silence)
#                           or null (loa --output null; Liquidsoap output.dummy)
#   BENCH_BUILD=DIR         build and use loa in DIR (default: the release preset)
#   LOA_SKIP_LIQUIDSOAP=1   leave Liquidsoap out even if it is installed
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${LOA_IDLE_SECONDS:-600}
output=${LOA_IDLE_OUTPUT:-jack}
settle=5
export LC_ALL=C
source bench/proc_stats.sh
case "$output" in jack | null) ;; *) echo "idle_bench: LOA_IDLE_OUTPUT is jack or null" >&2; exit 2 ;; esac

if [ -n "${BENCH_BUILD:-}" ]; then
  build=$BENCH_BUILD
else
  cmake --preset release >/dev/null
  build=build/release
fi
cmake --build "$build" --target loa >/dev/null
loa=$build/app/loa

pids=()
started_jack=0
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ "$started_jack" = 1 ]; then scripts/jack-dummy.sh stop; fi
}
trap cleanup EXIT
rate=48000
if [ "$output" = jack ]; then
  if ! scripts/jack-dummy.sh status >/dev/null 2>&1; then
    scripts/jack-dummy.sh start
    started_jack=1
  fi
  rate=$(jack_samplerate)
fi

work=bench/out/idle
rm -rf "$work" && mkdir -p "$work/clips"
sox -n -r "$rate" -c 1 "$work/clips/tone.wav" synth 0.5 sine 1000 vol 0.5
# An hour ahead, and an hour's idle at least however long the watch (daily: it wraps at midnight).
at=$(($(date -u +%s) + 3600 + seconds))
cat >"$work/station.yaml" <<YAML
station: {timezone: UTC, clips: clips/, state: state/}
audio: {sample_rate: $rate, loudness: off, chime: none}
zones: [{id: z, channel: 1}]
programmes: [{id: later, slots: [{at: '$(date -u -d "@$at" +%H:%M:%S)', play: [tone.wav]}]}]
YAML

# watch NAME CMD...: starts CMD, lets it settle, watches it for $seconds; the figures (proc_delta's
# and the on-CPU ms) into $work/NAME.result.
watch() {
  local name=$1
  shift
  "$@" >"$work/$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  sleep "$settle"
  kill -0 "$pid" 2>/dev/null || { echo "idle_bench: $name ended early; its log:" >&2; cat "$work/$name.log" >&2; exit 1; }
  local before after
  before=$(proc_stats "$pid")
  sleep "$seconds"
  after=$(proc_stats "$pid")
  kill -TERM "$pid"
  wait "$pid" || true
  echo "$(proc_delta "$before" "$after" "$seconds") $(proc_cpu_ms "$before" "$after")" >"$work/$name.result"
}

echo "idle_bench: loa run --output $output, ${seconds} s"
watch loa "$loa" run --config "$work/station.yaml" --output "$output" --listen 127.0.0.1:0
read -r l_cpu l_pct l_sw l_sws l_hwm l_rss l_priv l_ms <"$work/loa.result"

have_liq=0
liq_note="liquidsoap: not installed (apt-get install liquidsoap), not measured"
if [ "${LOA_SKIP_LIQUIDSOAP:-}" = 1 ]; then
  liq_note="liquidsoap: left out (LOA_SKIP_LIQUIDSOAP=1)"
elif command -v liquidsoap >/dev/null; then
  liq_output=$([ "$output" = jack ] && echo jack || echo dummy)
  echo "idle_bench: Liquidsoap output.$liq_output, ${seconds} s"
  watch liquidsoap env TZ=UTC \
    LOA_LIQ_CLIP="$work/clips/tone.wav" LOA_LIQ_TIMES="$(date -u -d "@$at" +%Hh%Mm%Ss)" \
    LOA_LIQ_OUTPUT="$liq_output" LOA_LIQ_RATE="$rate" LOA_LIQ_ID=loa-idle-liquidsoap \
    liquidsoap bench/liquidsoap/schedule.liq
  read -r q_cpu q_pct q_sw q_sws q_hwm q_rss q_priv q_ms <"$work/liquidsoap.result"
  have_liq=1
  liq_note="$(liquidsoap --version | head -1), output.$liq_output, defaults"
fi

out=bench/out/idle.txt
{
  echo "Idle cost: the next broadcast an hour away, watched for $seconds s after a ${settle} s settle; output $output"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); clock ticks $(getconf CLK_TCK)/s"
  echo "$liq_note"
  printf "%-16s %8s %12s %10s %10s %12s %9s %9s %11s\n" tool "CPU s" "% of a core" "on-CPU ms" wake-ups "wake-ups/s" "peak MB" "RSS MB" "private MB"
  printf "%-16s %8s %12s %10s %10s %12s %9s %9s %11s\n" "loa" "$l_cpu" "$l_pct" "$l_ms" "$l_sw" "$l_sws" "$l_hwm" "$l_rss" "$l_priv"
  if [ "$have_liq" = 1 ]; then
    printf "%-16s %8s %12s %10s %10s %12s %9s %9s %11s\n" "Liquidsoap 2.1" "$q_cpu" "$q_pct" "$q_ms" "$q_sw" "$q_sws" "$q_hwm" "$q_rss" "$q_priv"
    awk -v lm="$l_ms" -v qm="$q_ms" -v ls="$l_sw" -v qs="$q_sw" -v lp="$l_priv" -v qp="$q_priv" 'BEGIN {
      printf "ratio Liquidsoap/loa: on-CPU time %s, wake-ups %s, private memory %.1fx\n",
        (lm > 0 ? sprintf("%.0fx", qm / lm) : "n/a (loa never ran)"),
        (ls > 0 ? sprintf("%.0fx", qs / ls) : "n/a (loa never woke up)"), (lp > 0 ? qp / lp : 0)
    }'
  fi
  echo "CPU s: utime + stime (/proc/PID/stat, whole process); on-CPU ms: /proc/PID/task/*/schedstat (live threads);"
  echo "wake-ups: voluntary + nonvoluntary context switches summed over /proc/PID/task/*/status;"
  echo "private MB: Private_Clean + Private_Dirty of /proc/PID/smaps_rollup (RSS also counts shared libraries and JACK's shared memory)"
} | tee "$out"
