#!/usr/bin/env bash
# What `loa run` costs while it airs a one-hour MP3 (44.1 kHz stereo, resampled to 48 kHz): peak
# resident memory (VmHWM) at the end, its own private memory, CPU seconds and CPU % of real time
# over the broadcast; then the same for Liquidsoap 2.1 playing the same file (a switch on a time
# predicate, bench/liquidsoap/schedule.liq), if it is installed. The broadcast runs in real time, so
# the watch is a parameter. Prints both into bench/out/run_memory.txt.
# Usage: bench/run_memory_bench.sh
#   LOA_RUN_SECONDS=N       how much of the hour is watched (default 3600; 120 gives a quick figure)
#   LOA_RUN_OUTPUT=null     null (default: discarded in real time; Liquidsoap output.dummy) or jack
#                           (the JACK server; RSS then also counts JACK's shared memory)
#   BENCH_BUILD=DIR         build and use loa in DIR (default: the release preset)
#   LOA_SKIP_LIQUIDSOAP=1   leave Liquidsoap out even if it is installed
#   LOA_RUN_TOGETHER=1      watch loa and Liquidsoap over the same stretch of time rather than one
#                           after the other: the full hour then takes one hour, not two. Each uses
#                           a few % of one core, so on two cores neither slows the other.
# The one-hour MP3 is the corpus's (bench/make_corpus.sh) when it has been made, else one made here
# with ffmpeg (pink noise, 128 kb/s).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${LOA_RUN_SECONDS:-3600}
output=${LOA_RUN_OUTPUT:-null}
lead=8
export LC_ALL=C
source bench/proc_stats.sh
case "$output" in jack | null) ;; *) echo "run_memory_bench: LOA_RUN_OUTPUT is null or jack" >&2; exit 2 ;; esac

if [ -n "${BENCH_BUILD:-}" ]; then
  build=$BENCH_BUILD
else
  cmake --preset release >/dev/null
  build=build/release
fi
cmake --build "$build" --target loa >/dev/null
loa=$build/app/loa

work=bench/out/run_memory
started_jack=0
cleanup() {
  # Each watch leaves its process's pid here (a watch may run in a subshell).
  for f in "$work"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
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

rm -rf "$work" && mkdir -p "$work/clips"
hour=bench/out/corpus/ok/hour.mp3
if [ -f "$hour" ]; then
  cp "$hour" "$work/clips/hour.mp3"
else
  echo "run_memory_bench: no corpus (bench/make_corpus.sh); making a one-hour MP3 with ffmpeg"
  ffmpeg -nostdin -loglevel error -y -f lavfi -i "anoisesrc=color=pink:duration=3600:amplitude=0.2:seed=7" \
    -ar 44100 -ac 2 -b:a 128k "$work/clips/hour.mp3"
fi
length=$(soxi -D "$work/clips/hour.mp3" 2>/dev/null || ffprobe -v error -show_entries format=duration -of csv=p=0 "$work/clips/hour.mp3")
length=${length%.*}
if [ "$seconds" -gt $((length - 2)) ]; then seconds=$((length - 2)); fi

# watch NAME AT CMD...: starts CMD, and watches it from AT (epoch s, the broadcast's start) for
# $seconds; proc_delta's figures and the on-CPU ms into $work/NAME.result.
watch() {
  local name=$1 at=$2
  shift 2
  "$@" >"$work/$name.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$work/$name.pid"
  while [ "$(date -u +%s)" -lt "$at" ]; do sleep 0.2; done
  kill -0 "$pid" 2>/dev/null || { echo "run_memory_bench: $name ended early; its log:" >&2; cat "$work/$name.log" >&2; exit 1; }
  local before after
  before=$(proc_stats "$pid")
  sleep "$seconds"
  kill -0 "$pid" 2>/dev/null || { echo "run_memory_bench: $name ended early; its log:" >&2; cat "$work/$name.log" >&2; exit 1; }
  after=$(proc_stats "$pid")
  kill -TERM "$pid"
  wait "$pid" || true
  rm -f "$work/$name.pid"
  echo "$(proc_delta "$before" "$after" "$seconds") $(proc_cpu_ms "$before" "$after")" >"$work/$name.result"
}

at=$(($(date -u +%s) + lead))
cat >"$work/station.yaml" <<YAML
station: {timezone: UTC, clips: clips/, state: state/}
audio: {sample_rate: $rate, loudness: -16, chime: none}
zones: [{id: z, channel: 1}]
programmes: [{id: hour, slots: [{at: '$(date -u -d "@$at" +%H:%M:%S)', play: [hour.mp3]}]}]
YAML
# loa measures the hour's loudness (for its -16 LUFS gain) once and caches it in the state folder:
# done here, before the watch (a station scans a clip when it is added, not when it airs).
"$loa" scan --config "$work/station.yaml" >"$work/scan.log" 2>&1 || { cat "$work/scan.log" >&2; exit 1; }

watch_loa() {
  local at=$1
  sed -i "s/at: '[0-9:]*'/at: '$(date -u -d "@$at" +%H:%M:%S)'/" "$work/station.yaml"
  echo "run_memory_bench: loa run --output $output, the one-hour MP3 from $(date -u -d "@$at" +%H:%M:%S) UTC, ${seconds} s"
  watch loa "$at" "$loa" run --config "$work/station.yaml" --output "$output" --listen 127.0.0.1:0
}

liq_output=$([ "$output" = jack ] && echo jack || echo dummy)
watch_liquidsoap() {
  local at=$1
  local until_t=$((at + seconds + 30))
  echo "run_memory_bench: Liquidsoap output.$liq_output, the same MP3 from $(date -u -d "@$at" +%H:%M:%S) UTC, ${seconds} s"
  watch liquidsoap "$at" env TZ=UTC LOA_LIQ_CLIP="$work/clips/hour.mp3" \
    LOA_LIQ_TIMES="$(date -u -d "@$at" +%Hh%Mm%Ss)-$(date -u -d "@$until_t" +%Hh%Mm%Ss)" \
    LOA_LIQ_OUTPUT="$liq_output" LOA_LIQ_RATE="$rate" LOA_LIQ_ID=loa-run-liquidsoap \
    liquidsoap bench/liquidsoap/schedule.liq
}

have_liq=0
liq_note="liquidsoap: not installed (apt-get install liquidsoap), not measured"
if [ "${LOA_SKIP_LIQUIDSOAP:-}" = 1 ]; then
  liq_note="liquidsoap: left out (LOA_SKIP_LIQUIDSOAP=1)"
elif command -v liquidsoap >/dev/null; then
  have_liq=1
  liq_note="$(liquidsoap --version | head -1), output.$liq_output, defaults (no loudness correction)"
fi

together=0
if [ "${LOA_RUN_TOGETHER:-}" = 1 ] && [ "$have_liq" = 1 ]; then
  together=1
  at=$(($(date -u +%s) + lead))
  watch_loa "$at" &
  loa_watch=$!
  watch_liquidsoap "$at" &
  liq_watch=$!
  wait "$loa_watch" || exit 1
  wait "$liq_watch" || exit 1
else
  watch_loa $(($(date -u +%s) + lead))
  if [ "$have_liq" = 1 ]; then watch_liquidsoap $(($(date -u +%s) + lead)); fi
fi
read -r l_cpu l_pct l_sw l_sws l_hwm l_rss l_priv l_ms <"$work/loa.result"
if [ "$have_liq" = 1 ]; then
  read -r q_cpu q_pct q_sw q_sws q_hwm q_rss q_priv q_ms <"$work/liquidsoap.result"
fi

out=bench/out/run_memory.txt
{
  echo "Airing a one-hour MP3 (44.1 kHz stereo -> $rate Hz): $seconds s of it watched from its first second; output $output"
  if [ "$output" = jack ]; then echo "JACK: $(jack_bufsize 2>/dev/null | head -1)"; fi
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); loa: loudness -16 LUFS (gain cached by loa scan beforehand), soxr resampling"
  echo "$liq_note"
  if [ "$together" = 1 ]; then echo "loa and Liquidsoap watched over the same $seconds s (LOA_RUN_TOGETHER=1)"; fi
  printf "%-16s %8s %13s %10s %10s %12s %9s %9s %11s\n" tool "CPU s" "% real time" "on-CPU ms" wake-ups "wake-ups/s" "peak MB" "RSS MB" "private MB"
  printf "%-16s %8s %13s %10s %10s %12s %9s %9s %11s\n" "loa" "$l_cpu" "$l_pct" "$l_ms" "$l_sw" "$l_sws" "$l_hwm" "$l_rss" "$l_priv"
  if [ "$have_liq" = 1 ]; then
    printf "%-16s %8s %13s %10s %10s %12s %9s %9s %11s\n" "Liquidsoap 2.1" "$q_cpu" "$q_pct" "$q_ms" "$q_sw" "$q_sws" "$q_hwm" "$q_rss" "$q_priv"
    awk -v lc="$l_ms" -v qc="$q_ms" -v lh="$l_hwm" -v qh="$q_hwm" -v lp="$l_priv" -v qp="$q_priv" 'BEGIN {
      printf "ratio Liquidsoap/loa: on-CPU time %.1fx, peak memory %.1fx, private memory %.1fx\n", qc / lc, qh / lh, qp / lp }'
  fi
  echo "peak MB: VmHWM at the end of the watch (start-up included); CPU over the watch only: utime + stime (/proc/PID/stat),"
  echo "on-CPU ms from /proc/PID/task/*/schedstat; private MB: Private_Clean + Private_Dirty (/proc/PID/smaps_rollup) at the end"
} | tee "$out"
