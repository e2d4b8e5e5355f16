#!/usr/bin/env bash
# How close to its scheduled time each broadcast is heard: `loa run --output jack` on the JACK
# server (the dummy driver unless one runs), recorded by bench/jack_onset, which stamps the first
# sample of each onset with the instant it leaves the sound card (see jack_onset.cpp for the
# convention). The station (UTC) plays a 0.5 s 1 kHz square wave at N times, 2 and 3 s apart
# alternately, the first ~8 s ahead; loudness off and no chime, so the clip's first sample is the
# broadcast's. Then the same with Liquidsoap 2.1 (a switch on time predicates,
# bench/liquidsoap/schedule.liq), if it is installed. Recording and figures: bench/onset_lib.sh.
# Prints every error (heard - scheduled) and median, min, max and worst |error| in ms into
# bench/out/start_time.txt.
# Usage: bench/start_time_bench.sh [N]   (default 24 broadcasts; about 1.5 min with Liquidsoap)
#   BENCH_BUILD=DIR         build and use loa and jack_onset in DIR (default: the release preset)
#   LOA_SKIP_LIQUIDSOAP=1   leave Liquidsoap out even if it is installed
#   LOA_LIQ_JACK_BUFFER=N   Liquidsoap's output.jack buffer_size (default 2, its own default)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-24}
lead=8
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

. bench/onset_lib.sh
onset_jack_start

work=bench/out/start_time
rm -rf "$work" && mkdir -p "$work/clips"
sox -n -r "$rate" -c 1 "$work/clips/tone.wav" synth 0.5 square 1000 vol 0.5

# loa
schedule loa
{
  echo "station: {timezone: UTC, clips: clips/, state: state/}"
  echo "audio: {sample_rate: $rate, loudness: off, chime: none}"
  echo "zones: [{id: z, channel: 1}]"
  echo "programmes:"
  echo "  - id: onset"
  echo "    slots:"
  printf "      - {at: [%s], play: [tone.wav]}\n" \
    "$(while read -r t; do printf "'%s'," "$(date -u -d "@$t" +%H:%M:%S)"; done <"$work/loa.times" | sed 's/,$//')"
} >"$work/station.yaml"
echo "start_time_bench: loa, $n broadcasts from $(date -u -d "@$(head -1 "$work/loa.times")" +%H:%M:%S) UTC"
record loa loa "$loa" run --config "$work/station.yaml" --output jack --listen 127.0.0.1:0
errors loa >"$work/loa.errors"

# Liquidsoap
liquidsoap_line="liquidsoap: not installed (apt-get install liquidsoap), not measured"
if [ "${LOA_SKIP_LIQUIDSOAP:-}" = 1 ]; then
  liquidsoap_line="liquidsoap: left out (LOA_SKIP_LIQUIDSOAP=1)"
elif command -v liquidsoap >/dev/null; then
  schedule liquidsoap
  times=$(while read -r t; do printf "%s," "$(date -u -d "@$t" +%Hh%Mm%Ss)"; done <"$work/liquidsoap.times" | sed 's/,$//')
  echo "start_time_bench: Liquidsoap, $n switches from $(date -u -d "@$(head -1 "$work/liquidsoap.times")" +%H:%M:%S) UTC"
  record liquidsoap loa-liquidsoap env TZ=UTC LOA_LIQ_CLIP="$work/clips/tone.wav" \
    LOA_LIQ_TIMES="$times" LOA_LIQ_OUTPUT=jack LOA_LIQ_RATE="$rate" LOA_LIQ_ID=loa-liquidsoap \
    liquidsoap bench/liquidsoap/schedule.liq
  errors liquidsoap >"$work/liquidsoap.errors"
  liquidsoap_line="$(liquidsoap --version | head -1): 0.04 s frames (default), output.jack buffer_size ${LOA_LIQ_JACK_BUFFER:-2} ($([ -n "${LOA_LIQ_JACK_BUFFER:-}" ] && echo "LOA_LIQ_JACK_BUFFER" || echo default))"
fi

out=bench/out/start_time.txt
{
  echo "Start-time error on the JACK server (heard - scheduled, ms; heard = when the first sample leaves the card)"
  onset_header loa
  echo "loa: $n broadcasts 2-3 s apart (a 0.5 s square wave, loudness off, no chime), loa run --output jack"
  echo "$liquidsoap_line"
  summary loa "loa"
  [ -f "$work/liquidsoap.errors" ] && summary liquidsoap "Liquidsoap 2.1"
  echo "per broadcast (scheduled UTC, loa error ms$([ -f "$work/liquidsoap.errors" ] && echo ", Liquidsoap error ms at its own times")):"
  if [ -f "$work/liquidsoap.errors" ]; then
    paste -d' ' "$work/loa.errors" "$work/liquidsoap.errors" |
      while read -r t e _ l; do printf "  %s %9s %9s\n" "$(date -u -d "@$t" +%H:%M:%S)" "$e" "$l"; done
  else
    while read -r t e; do printf "  %s %9s\n" "$(date -u -d "@$t" +%H:%M:%S)" "$e"; done <"$work/loa.errors"
  fi
} | tee "$out"
