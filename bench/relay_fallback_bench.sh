#!/usr/bin/env bash
# How long after a relayed source dies its fallback is heard (issue 12: "loa <= dead_air + 0.5 s;
# Liquidsoap's blank.detect/fallback measured the same way, on the same stream"). A real Icecast2
# on loopback carries a live MP3 mount fed by ffmpeg in real time with a quiet 1 kHz square wave
# (amplitude 0.006, -44 dBFS: above the -50 dBFS under which both count the source as silent, below
# jack_onset's onset threshold 0.01), so the only onsets heard are the fallback's. Side by side on
# the JACK server (the dummy driver unless one runs), each recorded by its own bench/jack_onset:
# - loa: `loa run --output jack`, a station (UTC) whose one relay item of the mount lasts all the
#   rounds, `dead_air: Ds`, `fallback:` a 1 s 1 kHz square wave at 0.5 (looped while the source is
#   away), loudness off, no chime;
# - Liquidsoap 2.1, its documented idiom: fallback(track_sensitive=false,
#   [blank.strip(max_blank=D., threshold=-50., input.http(URL)), single(the same clip)]) into
#   output.jack, Liquidsoap's defaults otherwise.
# Each round kills the source's ffmpeg (SIGKILL; Icecast drops the mount and its listeners),
# restarts it D + 3 s later and lets both go back to the source; the next round is ROUND_S after
# the kill. Per round and program: the first onset heard after the kill, minus the kill's instant
# (date +%s.%N just before kill -9). With LOA_SOURCE_DEATH=silence the source goes silent instead
# (the tone's amplitude 0 for D + 3 s each round, in ffmpeg's own timeline: its -re pacing starts
# as it is launched, the instant counted from; the connection stays up): blank detection alone. loa's fallback fades in over its 0.5 s crossfade (a linear
# ramp: at 0.5 it passes the 0.01 threshold 10 ms in); Liquidsoap's fallback cuts to it.
# Prints the rounds and median, min and max per program into bench/out/relay_fallback.txt.
# Usage: bench/relay_fallback_bench.sh [ROUNDS]   (default 8; about 3.5 min)
#   BENCH_BUILD=DIR      build and use loa and jack_onset in DIR (default: the release preset)
#   LOA_DEAD_AIR=D       dead_air and max_blank in whole seconds (default 4)
#   LOA_ROUND_SECONDS=S  seconds from one kill to the next (default 20)
#   LOA_SOURCE_DEATH=silence  the source goes silent instead of dying (default: kill)
#   LOA_SKIP_LIQUIDSOAP=1  loa alone
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-8}
dead_air=${LOA_DEAD_AIR:-4}
round_s=${LOA_ROUND_SECONDS:-20}
back_after=$((dead_air + 3))
mode=${LOA_SOURCE_DEATH:-kill}
case "$mode" in kill | silence) ;; *) echo "relay_fallback_bench: LOA_SOURCE_DEATH is kill or silence" >&2; exit 2 ;; esac
export LC_ALL=C

if [ -n "${BENCH_BUILD:-}" ]; then
  build=$BENCH_BUILD
else
  cmake --preset release >/dev/null
  build=build/release
fi
cmake --build "$build" --target loa jack_onset >/dev/null
loa=$(realpath "$build/app/loa")
onset=$build/bench/jack_onset
with_liquidsoap=1
[ "${LOA_SKIP_LIQUIDSOAP:-}" = 1 ] && with_liquidsoap=0
tools=(icecast2 ffmpeg)
[ "$with_liquidsoap" = 1 ] && tools+=(liquidsoap)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null ||
    { echo "relay_fallback_bench: $tool is not installed (apt-get install $tool)" >&2; exit 1; }
done

. bench/onset_lib.sh
. bench/icecast_lib.sh
onset_jack_start

work=$(realpath -m bench/out/relay_fallback)
rm -rf "$work" && mkdir -p "$work/icecast" "$work/clips" "$work/state"
sox -n -r "$rate" -c 1 "$work/clips/fallback.wav" synth 1 square 1000 vol 0.5
icecast_start "$work/icecast"
url="http://127.0.0.1:$icecast_port/vov1.mp3"
# feed [SILENT_FROM]: the quiet tone; from SILENT_FROM s of its own time on, silent for
# $back_after s every $round_s s.
feed() {
  local gate=1
  # (commas inside a filter graph are escaped)
  [ -n "${1:-}" ] && gate="(1-gte(t\\,$1)*lt(mod(t-$1\\,$round_s)\\,$back_after))"
  icecast_feed vov1.mp3 "$work/ffmpeg.log" \
    -f lavfi -i "aevalsrc=0.006*sgn(sin(2*PI*1000*t))*$gate:s=44100" -ac 2
}
fed_at=$(date +%s.%N)
# Silence: the first round 45 s after the feed's start (Liquidsoap has settled by then).
silent_from=45
if [ "$mode" = silence ]; then feed "$silent_from"; else feed; fi
icecast_wait_live "$url"

# The relay's start: a whole second, 8 s ahead (opened 4 s ahead); it lasts beyond all the rounds
# (loa is stopped after the last).
start=$(($(date -u +%s) + 8))
length=$((90 + rounds * round_s))
cat >"$work/station.yaml" <<EOF
station: {timezone: UTC, clips: clips/, state: state/}
audio: {sample_rate: $rate, loudness: off, chime: none}
zones: [{id: z, channel: 1}]
programmes:
  - id: tiep-song
    slots:
      - at: "$(date -u -d "@$start" +%H:%M:%S)"
        play: [{relay: "$url", for: ${length}s, preroll: 4s, dead_air: ${dead_air}s, fallback: fallback.wav}]
EOF
cat >"$work/relay.liq" <<EOF
settings.init.allow_root.set(true)
settings.log.stdout.set(true)
settings.log.file.set(false)
settings.log.level.set(3)
settings.frame.audio.samplerate.set($rate)
live = blank.strip(max_blank=${dead_air}., threshold=-50., input.http("$url"))
air = fallback(track_sensitive=false, [live, single("$work/clips/fallback.wav")])
output.jack(id="loa-liquidsoap", air)
EOF

"$onset" --client loa >"$work/loa.onsets" 2>&1 &
pids+=($!)
"$loa" run --config "$work/station.yaml" --output jack --listen 127.0.0.1:0 >"$work/loa.log" 2>&1 &
loa_pid=$!
pids+=("$loa_pid")
running=("$loa_pid")
if [ "$with_liquidsoap" = 1 ]; then
  "$onset" --client loa-liquidsoap >"$work/liquidsoap.onsets" 2>&1 &
  pids+=($!)
  liquidsoap "$work/relay.liq" >"$work/liquidsoap.log" 2>&1 &
  liq_pid=$!
  pids+=("$liq_pid")
  running+=("$liq_pid")
fi

# The first kill: 10 s after both relay the source (Liquidsoap may take 10 s to start on a busy
# machine; killed before its input has settled, it first airs the burst Icecast sent it).
first_kill=$((start + 10))
[ "$mode" = silence ] && first_kill=$(awk -v f="$fed_at" -v s="$silent_from" 'BEGIN { printf "%.3f", f + s }')
if [ "$with_liquidsoap" = 1 ]; then
  for _ in $(seq 1 120); do
    grep -q "Switch to blank.strip" "$work/liquidsoap.log" && break
    kill -0 "$liq_pid" 2>/dev/null || break
    sleep 0.5
  done
  grep -q "Switch to blank.strip" "$work/liquidsoap.log" ||
    { echo "relay_fallback_bench: Liquidsoap never aired the source; see $work/liquidsoap.log" >&2; exit 1; }
  now=$(date -u +%s)
  if [ "$mode" = kill ]; then
    [ $((now + 10)) -gt "$first_kill" ] && first_kill=$((now + 10))
  elif awk -v n="$now" -v k="$first_kill" 'BEGIN { exit !(n + 5 > k) }'; then
    echo "relay_fallback_bench: Liquidsoap aired the source only at $(date -u -d "@$now" +%T), too late" >&2
    exit 1
  fi
fi
# at SECONDS: first_kill + SECONDS, for sleep_until.
at() { awk -v k="$first_kill" -v s="$1" 'BEGIN { printf "%.3f", k + s }'; }

# sleep_until EPOCH (fractional)
sleep_until() {
  local left
  left=$(awk -v t="$1" -v now="$(date +%s.%N)" 'BEGIN { d = t - now; printf "%.3f", (d > 0 ? d : 0) }')
  sleep "$left"
}
alive() {
  local p
  for p in "${running[@]}"; do
    kill -0 "$p" 2>/dev/null || { echo "relay_fallback_bench: a relay stopped early; see $work/*.log" >&2; exit 1; }
  done
}

death=$([ "$mode" = kill ] && echo "killed" || echo "silent")
echo "relay_fallback_bench: $rounds rounds from $(date -u -d "@$first_kill" +%H:%M:%S) UTC," \
  "the source $death every $round_s s, back after $back_after s; dead_air ${dead_air} s"
: >"$work/kills"
for ((r = 0; r < rounds; r++)); do
  sleep_until "$(at $((r * round_s)))"
  alive
  if [ "$mode" = silence ]; then
    at $((r * round_s)) >>"$work/kills"
    echo >>"$work/kills"
    continue
  fi
  date +%s.%N >>"$work/kills"
  icecast_kill_feed
  sleep_until "$(at $((r * round_s + back_after)))"
  feed
done
sleep_until "$(at $((rounds * round_s)))"
alive
kill -TERM "${pids[@]}" 2>/dev/null || true
wait 2>/dev/null || true
pids=()
"$loa" log --config "$work/station.yaml" >"$work/loa.as-run" 2>&1 || true

# delays NAME: per kill, "kill_epoch delay_s extra" (the first onset within the round after the
# kill, minus the kill; the other onsets in the round) or "kill_epoch missing extra".
delays() {
  heard_epochs "$work/$1.onsets" >"$work/$1.heard"
  awk -v heard="$work/$1.heard" -v round="$round_s" '
    BEGIN { while ((getline h < heard) > 0) on[++k] = h }
    {
      first = ""; extra = 0
      for (i = 1; i <= k; i++) {
        d = on[i] - $1
        if (d < 0 || d >= round) continue
        if (first == "") first = d; else extra++
      }
      if (first == "") printf "%.3f missing %d\n", $1, extra; else printf "%.3f %.3f %d\n", $1, first, extra
    }' "$work/kills"
}

# stats NAME LABEL: one line over $work/NAME.delays.
stats() {
  local xruns
  xruns=$(sed -n 's/^# xrun: \([0-9]*\) in all.*/\1/p' "$work/$1.onsets" | tail -1)
  awk -v label="$2" -v goal="$((dead_air)).5" -v xruns="${xruns:-0}" '
    { extra += $3 }
    $2 == "missing" { missing++; next }
    { e[++n] = $2 }
    END {
      if (n == 0) { printf "%-16s nothing heard (%d missing)\n", label, missing; exit }
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (e[j] < e[i]) { t = e[i]; e[i] = e[j]; e[j] = t }
      med = n % 2 ? e[(n + 1) / 2] : (e[n / 2] + e[n / 2 + 1]) / 2
      printf "%-16s %2d heard %2d missed  median %6.3f s  min %6.3f  max %6.3f  goal <= %s s: %s  (other onsets: %d; JACK xruns: %d)\n",
        label, n, missing, med, e[1], e[n], goal, (missing == 0 && e[n] <= goal ? "met" : "not met"), extra, xruns
    }' "$work/$1.delays"
}

delays loa >"$work/loa.delays"
[ "$with_liquidsoap" = 1 ] && delays liquidsoap >"$work/liquidsoap.delays"

out=bench/out/relay_fallback.txt
[ "$mode" = silence ] && out=bench/out/relay_fallback_silence.txt
{
  echo "Time from the source $([ "$mode" = kill ] && echo dying || echo "going silent") to the fallback heard on the JACK server (heard - $([ "$mode" = kill ] && echo kill || echo "silence sent"), s; heard = when the first sample leaves the card)"
  onset_header loa
  echo "source: a live Icecast MP3 mount (ffmpeg -re: 1 kHz square wave at 0.006, -44 dBFS, 128 kb/s, 44.1 kHz stereo),"
  if [ "$mode" = kill ]; then
    echo "  killed with SIGKILL every $round_s s and restarted $back_after s after (Icecast drops the mount and its listeners)"
  else
    echo "  silent (amplitude 0, the connection up) for $back_after s every $round_s s, from ffmpeg's launch + its own time"
  fi
  echo "fallback: a 1 s 1 kHz square wave at 0.5, looped; dead_air = max_blank = $dead_air s"
  echo "loa: one relay item, dead_air: ${dead_air}s, loudness off, no chime; its switch is a 0.5 s crossfade (the onset 10 ms into it)"
  if [ "$with_liquidsoap" = 1 ]; then
    echo "$(liquidsoap --version | head -1): fallback(track_sensitive=false, [blank.strip(max_blank=$dead_air., threshold=-50., input.http(URL)), single(clip)]), output.jack"
  fi
  stats loa "loa"
  [ "$with_liquidsoap" = 1 ] && stats liquidsoap "Liquidsoap 2.1"
  echo "per round (the source $death at, UTC; loa s$([ "$with_liquidsoap" = 1 ] && echo ", Liquidsoap s"); dead_air $dead_air s):"
  if [ "$with_liquidsoap" = 1 ]; then
    paste -d' ' "$work/loa.delays" "$work/liquidsoap.delays" |
      while read -r t e _ _ l _; do printf "  %s %9s %9s\n" "$(date -u -d "@$t" +%H:%M:%S.%2N)" "$e" "$l"; done
  else
    while read -r t e _; do printf "  %s %9s\n" "$(date -u -d "@$t" +%H:%M:%S.%2N)" "$e"; done <"$work/loa.delays"
  fi
  echo "loa's journal of the relay (the first round):"
  grep -i "dead air\|lost\|connected\|reconnect" "$work/loa.as-run" | head -6 || true
} | tee "$out"
