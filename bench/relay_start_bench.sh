#!/usr/bin/env bash
# How close to its scheduled time a relay slot is heard (issue 12: "start error of a relay slot on
# JACK: median under 1 ms after preroll"). A real Icecast2 on loopback carries a live MP3 mount fed
# by ffmpeg in real time with a continuous 1 kHz square wave at 0.5 (no silence in it). A station
# (UTC) relays it N times, 8 s apart, each relay `for: 2s` with loa's default `preroll: 15s`
# (connected 15 s ahead, so two are open at once), loudness off, no chime, no fallback, with `loa run --output jack` on the
# JACK server (the dummy driver unless one runs); bench/jack_onset records loa's output. Between
# relays the output is silent, so each onset is the relay's first audible sample. A relay's start
# is not faded in (audio/relay_stream.cpp crossfades only its switches to and from the fallback;
# the mixer fades only an item that is cut short): its first sample is the stream's, at full level.
# Prints every error (heard - scheduled) and median, min, max and worst |error| in ms into
# bench/out/relay_start.txt.
# Usage: bench/relay_start_bench.sh [N]   (default 16 relays; about 2.5 min)
#   BENCH_BUILD=DIR   build and use loa and jack_onset in DIR (default: the release preset)
#   LOA_PREROLL=DUR   the relays' preroll (default 15s; before commit e812dc2 one under about
#                     6s started late: the stream's format was named 4.5 s after connecting)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-16}
lead=10
step=8
preroll=${LOA_PREROLL:-15s}
export LC_ALL=C

if [ -n "${BENCH_BUILD:-}" ]; then
  build=$BENCH_BUILD
else
  cmake --preset release >/dev/null
  build=build/release
fi
cmake --build "$build" --target loa jack_onset >/dev/null
loa=$build/app/loa
onset=$build/bench/jack_onset
for tool in icecast2 ffmpeg; do
  command -v "$tool" >/dev/null ||
    { echo "relay_start_bench: $tool is not installed (apt-get install $tool)" >&2; exit 1; }
done

. bench/onset_lib.sh
. bench/icecast_lib.sh
onset_jack_start

work=$(realpath -m bench/out/relay_start)
rm -rf "$work" && mkdir -p "$work/icecast" "$work/state"
icecast_start "$work/icecast"
url="http://127.0.0.1:$icecast_port/tone.mp3"
icecast_feed tone.mp3 "$work/ffmpeg.log" \
  -f lavfi -i "aevalsrc=0.5*sgn(sin(2*PI*1000*t)):s=44100" -ac 2
icecast_wait_live "$url"

schedule loa "$step"
{
  echo "station: {timezone: UTC, state: state/}"
  echo "audio: {sample_rate: $rate, loudness: off, chime: none}"
  echo "zones: [{id: z, channel: 1}]"
  echo "programmes:"
  echo "  - id: tiep-song"
  echo "    slots:"
  printf "      - at: [%s]\n" \
    "$(while read -r t; do printf "'%s'," "$(date -u -d "@$t" +%H:%M:%S)"; done <"$work/loa.times" | sed 's/,$//')"
  echo "        play: [{relay: \"$url\", for: 2s, preroll: $preroll}]"
} >"$work/station.yaml"
echo "relay_start_bench: $n relays of $url from $(date -u -d "@$(head -1 "$work/loa.times")" +%H:%M:%S) UTC"
record loa loa "$loa" run --config "$work/station.yaml" --output jack --listen 127.0.0.1:0
errors loa >"$work/loa.errors"
"$loa" log --config "$work/station.yaml" >"$work/loa.as-run" 2>&1 || true

out=bench/out/relay_start.txt
{
  echo "Start error of a relay slot on the JACK server (heard - scheduled, ms; heard = when the first sample leaves the card)"
  onset_header loa
  echo "loa: $n relays ${step} s apart of a live Icecast MP3 mount (ffmpeg -re: 1 kHz square wave at 0.5, 128 kb/s, 44.1 kHz stereo),"
  echo "  each for: 2s, preroll: $preroll, loudness off, no chime, no fallback; loa run --output jack"
  echo "  the relay's start is not faded in: its first sample is the stream's (relay_stream.cpp fades only the fallback's switches)"
  summary loa "loa relay"
  echo "per relay (scheduled UTC, error ms):"
  while read -r t e; do printf "  %s %9s\n" "$(date -u -d "@$t" +%H:%M:%S)" "$e"; done <"$work/loa.errors"
} | tee "$out"
