#!/usr/bin/env bash
# Renders one hour of the example station's clips (mixed formats and rates) to a 48 kHz 16-bit WAV
# with loa, sox and ffmpeg, alternately, several times, and prints medians and ratios.
# Usage: bench/render_bench.sh [RUNS]   (default 3). Installs sox and ffmpeg if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}

scripts/install-deps.sh build example
for p in ffmpeg time; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || {
    sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >/dev/null
  }
done
cmake --preset release >/dev/null
cmake --build --preset release --target loa >/dev/null
examples/make-clips.sh >/dev/null

work=bench/out/render
rm -rf "$work" && mkdir -p "$work/clips"
clips=(mo-dau-sang.wav tin-nong-nghiep.flac tin-an-toan-giao-thong.wav tin-sot-xuat-huyet.ogg
       nhac-nen-1.flac mxh-gioi-thieu.wav mxh-lua-dao-viec-lam.wav mxh-thu-thach-nguy-hiem.ogg
       mxh-thuoc-la-dien-tu.flac mxh-tin-gia.ogg tiem-chung-thang-12.wav cat-dien-dinh-ky.flac
       canh-bao-lu.wav nhac-nen-2.ogg ket-thuc.ogg mo-dau-chieu.wav)
for c in "${clips[@]}"; do cp "examples/clips/$c" "$work/clips/"; done

# The play list repeated until it fills an hour.
total=$(for c in "${clips[@]}"; do soxi -D "$work/clips/$c"; done | awk '{s += $1} END {print s}')
repeat=$(awk -v t="$total" 'BEGIN{print int(3600 / t) + 1}')
{
  echo "station: {timezone: UTC, clips: clips/, state: state/}"
  echo "audio: {sample_rate: 48000, loudness: -16, chime: none}"
  echo "zones: [{id: z, channel: 1}]"
  echo "programmes:"
  echo "  - id: hour"
  echo "    slots:"
  printf "      - {at: '06:00', repeat: %d, play: [%s]}\n" "$repeat" "$(IFS=,; echo "${clips[*]}")"
} > "$work/station.yaml"
inputs=()
for ((r = 0; r < repeat; r++)); do for c in "${clips[@]}"; do inputs+=("$work/clips/$c"); done; done

loa=build/release/app/loa
measure() {  # measure NAME CMD...: prints "seconds max_rss_kb"
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" >/dev/null 2>"$work/$name.err" || {
    cat "$work/$name.err"; exit 1; }
  cat "$work/$name.time"
}
loa_cold() { rm -f "$work/state/loudness.tsv"; measure loa_cold "$loa" render --config "$work/station.yaml" \
  --from 2026-12-01T06:00Z --to 2026-12-01T07:00Z --out "$work/loa.wav"; }
loa_warm() { measure loa_warm "$loa" render --config "$work/station.yaml" \
  --from 2026-12-01T06:00Z --to 2026-12-01T07:00Z --out "$work/loa.wav"; }
sox_plain() {
  local script="$work/sox.sh"
  { echo "set -e"; local i=0
    for f in "${inputs[@]}"; do echo "sox '$f' -b 16 -c 1 '$work/s$i.wav' rate -v 48000"; i=$((i+1)); done
    echo "sox $(for ((k = 0; k < i; k++)); do printf "'%s/s%d.wav' " "$work" "$k"; done) '$work/sox.wav'"
    echo "rm -f $work/s*.wav"; } > "$script"
  measure sox bash "$script"
}
ffmpeg_run() {  # ffmpeg_run NAME EXTRA_FILTER
  local args=() graph="" i=0
  for f in "${inputs[@]}"; do args+=(-i "$f"); graph+="[$i:a]aresample=48000:resampler=soxr,aformat=channel_layouts=mono[a$i];"; i=$((i+1)); done
  for ((k = 0; k < i; k++)); do graph+="[a$k]"; done
  graph+="concat=n=$i:v=0:a=1$2[out]"
  measure "$1" ffmpeg -nostdin -loglevel error -y "${args[@]}" -filter_complex "$graph" -map "[out]" \
    -ar 48000 -c:a pcm_s16le "$work/$1.wav"
}

declare -A results
for ((run = 0; run < runs; run++)); do
  results[loa_cold]+="$(loa_cold)|"
  results[loa_warm]+="$(loa_warm)|"
  results[sox]+="$(sox_plain)|"
  results[ffmpeg]+="$(ffmpeg_run ffmpeg "")|"
  results[ffmpeg_loudnorm]+="$(ffmpeg_run ffmpeg_loudnorm ",loudnorm=I=-16")|"
done

median() { tr '|' '\n' | grep -v '^$' | awk '{print $'"$1"'}' | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
minmax() { tr '|' '\n' | grep -v '^$' | awk '{print $1}' | sort -g | awk 'NR==1{mn=$1} {mx=$1} END{printf "%s..%s", mn, mx}'; }
hours=$(awk -v t="$total" -v r="$repeat" 'BEGIN{printf "%.2f", t * r / 3600}')
out=bench/out/render.txt
{
  echo "Render one hour (${#clips[@]} clips x $repeat = ${#inputs[@]} items, ${hours} h of audio; loa renders exactly 1 h) to 48 kHz 16-bit WAV"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), runs: $runs"
  printf "%-38s %10s %14s %12s\n" "tool" "median s" "min..max s" "peak MB"
  for k in loa_cold loa_warm sox ffmpeg ffmpeg_loudnorm; do
    printf "%-38s %10s %14s %12s\n" "$k" "$(echo "${results[$k]}" | median 1)" "$(echo "${results[$k]}" | minmax)" \
      "$(awk -v kb="$(echo "${results[$k]}" | median 2)" 'BEGIN{printf "%.1f", kb/1024}')"
  done
  lw=$(echo "${results[loa_warm]}" | median 1); lc=$(echo "${results[loa_cold]}" | median 1)
  sx=$(echo "${results[sox]}" | median 1); ff=$(echo "${results[ffmpeg]}" | median 1)
  awk -v lw="$lw" -v lc="$lc" -v sx="$sx" -v ff="$ff" 'BEGIN{
    printf "ratio sox/loa_warm %.1fx, ffmpeg/loa_warm %.1fx, sox/loa_cold %.1fx, ffmpeg/loa_cold %.1fx\n", sx/lw, ff/lw, sx/lc, ff/lc}'
  echo "resamplers: loa soxr HQ (20-bit), sox rate -v (soxr VHQ), ffmpeg aresample=soxr (default precision 20-bit)"
  echo "loa and ffmpeg_loudnorm normalize loudness to -16 LUFS; sox and ffmpeg do not"
} | tee "$out"

# Peak memory with a one-hour MP3: rendering the hour, and previewing it (30 s) on the JACK server.
hour="$work/clips/hour.mp3"
ffmpeg -nostdin -loglevel error -y -f lavfi -i "anoisesrc=color=pink:duration=3600:amplitude=0.2:seed=7" \
  -ar 44100 -ac 2 -b:a 128k "$hour"
cat > "$work/hour.yaml" <<YAML
station: {timezone: UTC, clips: clips/, state: state/}
audio: {sample_rate: 48000, loudness: -16, chime: none}
zones: [{id: z, channel: 1}]
programmes: [{id: hour, slots: [{at: '06:00', play: [hour.mp3]}]}]
YAML
read -r secs kb < <(measure mp3_render "$loa" render --config "$work/hour.yaml" \
  --from 2026-12-01T06:00Z --to 2026-12-01T07:00Z --out "$work/hour.wav")
printf "%-38s %10s s %12.1f MB peak\n" "loa render, one-hour MP3" "$secs" "$(awk -v k="$kb" 'BEGIN{print k/1024}')" | tee -a "$out"
if scripts/jack-dummy.sh status >/dev/null 2>&1; then
  # VmHWM just before the stop: the peak while playing. ru_maxrss (from `time`) also counts the JACK
  # client library's open and close, which touch ~100 MB of JACK's shared memory for a moment in
  # any JACK client (jack_lsp too: it is printed for comparison).
  "$loa" play --device jack "$hour" >/dev/null 2>&1 &
  pid=$!
  sleep 30
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  kill -INT "$pid"; wait "$pid" || true
  jack_kb=$( { /usr/bin/time -f "%M" jack_lsp >/dev/null; } 2>&1 | tail -1)
  printf "%-38s %10s   %12.1f MB peak while playing (jack_lsp alone: %.1f MB ru_maxrss)\n" \
    "loa play (JACK), one-hour MP3, 30 s" "30" "$(awk -v k="$hwm" 'BEGIN{print k/1024}')" \
    "$(awk -v k="$jack_kb" 'BEGIN{print k/1024}')" | tee -a "$out"
else
  echo "no JACK server: start one with scripts/jack-dummy.sh start to measure loa play" | tee -a "$out"
fi
