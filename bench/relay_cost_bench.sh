#!/usr/bin/env bash
# What relaying a live stream costs, loa against Liquidsoap 2.1, side by side on one stream: a
# real Icecast2 on loopback, fed by ffmpeg in real time (an MP3 at 128 kb/s, 44.1 kHz stereo:
# music-like pink noise under a melody of tones), relayed for MINUTES by `loa run --output null`
# (a station whose one programme is a `relay:` item of that length, opened ahead by its preroll),
# three times: levelled to -16 LUFS as stations air relays, with `loudness: off` (as it comes, as
# Liquidsoap relays it), and off on a 44.1 kHz station (no resampling, as Liquidsoap's 44.1 kHz
# frames need none); and by Liquidsoap's `input.http` into `output.dummy` (all discard the
# audio, paced by their own clocks). CPU seconds (utime + stime) of each process are counted over
# the same MINUTES, from the relay's start; memory is each process's peak resident set (VmHWM) at
# the end. Beside them, the floor under loa's peak: an idle loa's (the same station, nothing to
# air), and the same idle loa with Debian's FFmpeg libraries loaded from its start (LD_PRELOAD),
# as a relay loads them: what any relaying loa holds before its first byte of audio.
# Prints the figures into bench/out/relay_cost.txt.
# Usage: bench/relay_cost_bench.sh [MINUTES]   (default 10)
#   BENCH_BUILD=DIR   use loa from DIR (default: the release preset's, built if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-10}
export LC_ALL=C
. bench/proc_stats.sh
. bench/icecast_lib.sh

if [ -n "${BENCH_BUILD:-}" ]; then
  build=$BENCH_BUILD
else
  cmake --preset release >/dev/null
  build=build/release
fi
cmake --build "$build" --target loa >/dev/null
loa=$(realpath "$build/app/loa")
for tool in icecast2 ffmpeg liquidsoap; do
  command -v "$tool" >/dev/null ||
    { echo "relay_cost_bench: $tool is not installed (apt-get install $tool)" >&2; exit 1; }
done

work=$(realpath -m bench/out/relay_cost)
rm -rf "$work" && mkdir -p "$work"/{levelled,off,off44,idle,idle-ffmpeg}/state

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

icecast_start "$work"
port=$icecast_port
url="http://127.0.0.1:$port/vov1.mp3"
icecast_feed vov1.mp3 "$work/ffmpeg.log" \
  -f lavfi -i "anoisesrc=colour=pink:amplitude=0.08:sample_rate=44100" \
  -f lavfi -i "sine=frequency=440:sample_rate=44100:beep_factor=3" \
  -filter_complex "[0][1]amix=inputs=2:normalize=0,aformat=channel_layouts=stereo"
icecast_wait_live "$url"

# The relay's start: a whole second, 20 s ahead (loa opens it 15 s ahead: its default preroll).
start=$(($(date -u +%s) + 20))
end=$((start + minutes * 60))
# station NAME LOUDNESS [RATE]: a station in $work/NAME whose one programme relays the mount.
station() {
  cat >"$work/$1/station.yaml" <<EOF
station: {timezone: UTC, state: state/}
audio: {loudness: $2, chime: none, sample_rate: ${3:-48000}}
zones: [{id: z, channel: 1}]
programmes:
  - id: tiep-song
    slots:
      - {at: "$(date -u -d "@$start" +%H:%M:%S)", play: [{relay: "$url", for: ${minutes}m}]}
EOF
}
station levelled -16
station off off
station off44 off 44100
# What loa holds before any relay, for the memory's floor: the same station with nothing to air.
sed '/^programmes:/,$d' "$work/off/station.yaml" >"$work/idle/station.yaml"
echo "programmes: []" >>"$work/idle/station.yaml"
cp "$work/idle/station.yaml" "$work/idle-ffmpeg/station.yaml"
"$loa" run --config "$work/levelled/station.yaml" --output null --listen off >"$work/levelled.log" 2>&1 &
loa_pid=$!
pids+=("$loa_pid")
"$loa" run --config "$work/off/station.yaml" --output null --listen off >"$work/off.log" 2>&1 &
off_pid=$!
pids+=("$off_pid")
"$loa" run --config "$work/idle/station.yaml" --output null --listen off >"$work/idle.log" 2>&1 &
idle_pid=$!
pids+=("$idle_pid")
LD_PRELOAD="libavformat.so.59 libavcodec.so.59 libswresample.so.4" \
  "$loa" run --config "$work/idle-ffmpeg/station.yaml" --output null --listen off \
  >"$work/idle-ffmpeg.log" 2>&1 &
idle_ffmpeg_pid=$!
pids+=("$idle_ffmpeg_pid")
# The same at the stream's own rate, as Liquidsoap runs (44.1 kHz): no resampling.
"$loa" run --config "$work/off44/station.yaml" --output null --listen off >"$work/off44.log" 2>&1 &
off44_pid=$!
pids+=("$off44_pid")
cat >"$work/relay.liq" <<EOF
settings.init.allow_root.set(true)
settings.log.stdout.set(true)
settings.log.file.set(false)
settings.log.level.set(3)
output.dummy(fallible=true, input.http("$url"))
EOF
liquidsoap "$work/relay.liq" >"$work/liquidsoap.log" 2>&1 &
liq_pid=$!
pids+=("$liq_pid")

echo "relay_cost_bench: relaying $url for $minutes min from $(date -u -d "@$start" +%H:%M:%S) UTC"
sleep $((start - $(date -u +%s)))
loa_before=$(proc_stats "$loa_pid")
off_before=$(proc_stats "$off_pid")
off44_before=$(proc_stats "$off44_pid")
liq_before=$(proc_stats "$liq_pid")
sleep $((end - $(date -u +%s)))
for p in "$loa_pid" "$off_pid" "$off44_pid" "$liq_pid" "$idle_pid" "$idle_ffmpeg_pid"; do
  kill -0 "$p" 2>/dev/null || { echo "relay_cost_bench: a relay stopped early; see $work/*.log" >&2; exit 1; }
done
loa_after=$(proc_stats "$loa_pid")
off_after=$(proc_stats "$off_pid")
off44_after=$(proc_stats "$off44_pid")
liq_after=$(proc_stats "$liq_pid")
idle_after=$(proc_stats "$idle_pid")
idle_ffmpeg_after=$(proc_stats "$idle_ffmpeg_pid")
seconds=$((minutes * 60))
read -r l_cpu l_pct _ _ l_hwm _ l_priv <<<"$(proc_delta "$loa_before" "$loa_after" "$seconds")"
read -r o_cpu o_pct _ _ o_hwm _ o_priv <<<"$(proc_delta "$off_before" "$off_after" "$seconds")"
read -r f_cpu f_pct _ _ f_hwm _ f_priv <<<"$(proc_delta "$off44_before" "$off44_after" "$seconds")"
read -r q_cpu q_pct _ _ q_hwm _ q_priv <<<"$(proc_delta "$liq_before" "$liq_after" "$seconds")"
sleep 2  # the relay's end, journaled
"$loa" log --config "$work/levelled/station.yaml" >"$work/loa.as-run" 2>&1 || true

{
  echo "relaying $url (MP3 128 kb/s, 44.1 kHz stereo, from ffmpeg in real time) for $minutes min, side by side"
  echo "$(uname -m), $(nproc) cores; load average before the relay: $(cut -d' ' -f1-3 /proc/loadavg)"
  printf "%-36s %8s %8s %10s %12s\n" "" "CPU s" "% core" "peak MB" "private MB"
  printf "%-36s %8s %8s %10s %12s\n" "loa run --output null, levelled" "$l_cpu" "$l_pct" "$l_hwm" "$l_priv"
  printf "%-36s %8s %8s %10s %12s\n" "loa run --output null, loudness off" "$o_cpu" "$o_pct" "$o_hwm" "$o_priv"
  printf "%-36s %8s %8s %10s %12s\n" "loa, loudness off, station 44.1 kHz" "$f_cpu" "$f_pct" "$f_hwm" "$f_priv"
  printf "%-36s %8s %8s %10s %12s\n" "$(liquidsoap --version | head -1 | cut -c1-36)" "$q_cpu" "$q_pct" "$q_hwm" "$q_priv"
  awk -v idle="$idle_after" -v f="$idle_ffmpeg_after" 'BEGIN {
    split(idle, i, " "); split(f, g, " ")
    printf "floor of the peak memory: loa idle (no relay) %.1f MB; idle with the Debian libavformat, libavcodec, libswresample loaded %.1f MB\n", i[4] / 1024, g[4] / 1024
  }'
  awk -v l="$l_cpu" -v o="$o_cpu" -v f="$f_cpu" -v q="$q_cpu" 'BEGIN {
    if (q > 0) printf "loa / Liquidsoap CPU: levelled 1/%.1f, loudness off 1/%.1f, off at 44.1 kHz (no resampling, as Liquidsoap) 1/%.1f\n", q / (l > 0 ? l : 0.01), q / (o > 0 ? o : 0.01), q / (f > 0 ? f : 0.01)
  }'
  echo "loa's journal of the levelled relay:"
  grep -i "relay\|dead\|connected\|lost" "$work/loa.as-run" | head -8 || true
} | tee bench/out/relay_cost.txt
