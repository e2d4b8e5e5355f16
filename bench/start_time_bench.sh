#!/usr/bin/env bash
# How close to its scheduled time each broadcast is heard: `loa run --output jack` on the JACK
# server (the dummy driver unless one runs), recorded by bench/jack_onset, which stamps the first
# sample of each onset with the instant it leaves the sound card (see jack_onset.cpp for the
# convention). The station (UTC) plays a 0.5 s 1 kHz square wave at N times, 2 and 3 s apart
# alternately, the first ~8 s ahead; loudness off and no chime, so the clip's first sample is the
# broadcast's. Then the same with Liquidsoap 2.1 (a switch on time predicates,
# bench/liquidsoap/schedule.liq), if it is installed.
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

pids=()
started_jack=0
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ "$started_jack" = 1 ]; then scripts/jack-dummy.sh stop; fi
}
trap cleanup EXIT
if ! scripts/jack-dummy.sh status >/dev/null 2>&1; then
  scripts/jack-dummy.sh start
  started_jack=1
fi
rate=$(jack_samplerate)
period=$(jack_bufsize)

work=bench/out/start_time
rm -rf "$work" && mkdir -p "$work/clips"
sox -n -r "$rate" -c 1 "$work/clips/tone.wav" synth 0.5 square 1000 vol 0.5

# schedule PREFIX: N whole-second UTC instants from $lead s ahead, 2 and 3 s apart, into
# $work/PREFIX.times (epoch seconds). Daily slots: a schedule running past midnight still works.
schedule() {
  local t=$(($(date -u +%s) + lead)) i
  : >"$work/$1.times"
  for ((i = 0; i < n; i++)); do
    echo "$t" >>"$work/$1.times"
    t=$((t + 2 + i % 2))
  done
}

# record NAME CLIENT CMD...: runs jack_onset on CLIENT's output and CMD beside it until 3 s after
# the last scheduled time; onsets into $work/NAME.onsets.
record() {
  local name=$1 client=$2
  shift 2
  local last
  last=$(tail -1 "$work/$name.times")
  "$onset" --client "$client" >"$work/$name.onsets" 2>&1 &
  local rec=$!
  pids+=("$rec")
  "$@" >"$work/$name.log" 2>&1 &
  local run=$!
  pids+=("$run")
  while [ "$(date -u +%s)" -le $((last + 3)) ]; do
    kill -0 "$run" 2>/dev/null || { echo "start_time_bench: $name stopped early; its log:" >&2; cat "$work/$name.log" >&2; exit 1; }
    sleep 0.5
  done
  kill -TERM "$run" "$rec"
  wait "$run" "$rec" || true
}

# errors NAME: "scheduled_epoch error_ms" per scheduled time (the onset nearest it, within 1 s),
# "scheduled_epoch missing" where nothing was heard.
errors() {
  local heard="$work/$1.heard"
  grep -v '^#' "$work/$1.onsets" | while read -r iso _; do
    date -u -d "$iso" +%s.%N
  done >"$heard"
  awk -v heard="$heard" '
    BEGIN { while ((getline h < heard) > 0) on[++k] = h }
    {
      best = ""
      for (i = 1; i <= k; i++) {
        d = on[i] - $1
        if (d > -1 && d < 1 && (best == "" || (d < 0 ? -d : d) < (best < 0 ? -best : best))) best = d
      }
      if (best == "") print $1, "missing"; else printf "%d %.3f\n", $1, best * 1000
    }' "$work/$1.times"
}

# summary NAME LABEL: one line of figures over $work/NAME.errors, with the JACK xruns jack_onset saw.
summary() {
  local xruns
  xruns=$(sed -n 's/^# xrun: \([0-9]*\) in all.*/\1/p' "$work/$1.onsets" | tail -1)
  awk -v label="$2" -v xruns="${xruns:-0}" '
    $2 == "missing" { missing++; next }
    { e[++n] = $2; a[n] = ($2 < 0 ? -$2 : $2) }
    function median(x, m,   i, j, t) {
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
      return m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2
    }
    END {
      if (n == 0) { printf "%-16s nothing heard (%d missing)\n", label, missing; exit }
      mn = e[1]; mx = e[1]
      for (i = 1; i <= n; i++) { if (e[i] < mn) mn = e[i]; if (e[i] > mx) mx = e[i] }
      worst = (-mn > mx ? -mn : mx)
      printf "%-16s %3d heard %2d missed  median %8.3f  min %8.3f  max %8.3f  median |e| %7.3f  worst |e| %7.3f  (JACK xruns: %d)\n",
        label, n, missing, median(e, n), mn, mx, median(a, n), worst, xruns
    }' "$work/$1.errors"
}

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
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); JACK $rate Hz, $period-frame periods;" \
    "heard = $(sed -n 's/^# heard = //p' "$work/loa.onsets")"
  sed -n 's/^# \(JACK clock.*\); to UTC.*/\1/p' "$work/loa.onsets"
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
