#!/usr/bin/env bash
# Figure 1: renders one hour to a 48 kHz 16-bit WAV with loa, sox and ffmpeg, alternately, several
# times, and prints medians and ratios into bench/out/render.txt. Two stations:
#   mix      (figure 1) a real-world mix from the corpus (bench/make_corpus.sh): two zones, each
#            with its own play list of 20 speech clips, 3 music clips and long recordings, in 16
#            combinations of format, rate and channels (WAV, FLAC, Ogg Vorbis, Opus, MP3 CBR and
#            VBR with ID3 tags and album art, AAC in M4A), repeated until the hour is full;
#            loudness on (-16 LUFS)
#   example  the example station's 16 clips (WAV 22.05/44.1 kHz, FLAC, Ogg Vorbis) on one zone,
#            repeated until the hour is full: the figure before issue 15
# Each is rendered by
#   loa_warm   loa render, the loudness and probe caches and the house copies (state/house) made
#              by an earlier render
#   loa_cold   loa render without the loudness cache and the house copies (every clip measured,
#              decoded, resampled and imported; probes cached: the clips were checked, never aired)
#   loa_fresh  loa render with an empty state folder (every clip probed and measured first)
#   base_fresh, base_cold, base_warm  the same with the loa in LOA_BASE (another build, for
#              before and after in one run), when set
# Peak memory twice: ru_maxrss of the command and every process it starts (loa's decoding helper,
# which decodes AAC clips with FFmpeg's libraries), and loa's own process (VmHWM).
#   sox        each item through `rate -v` to 48 kHz mono, then joined per zone (and merged)
#   ffmpeg     one graph: each item through aresample=soxr, concat per zone (and join)
#   ffmpeg_loudnorm  ffmpeg with loudnorm=I=-16 per zone (LOA_BENCH_LOUDNORM=1 only: ~1 min a run)
# Usage: bench/render_bench.sh [RUNS]   (default 3). LOA=path/to/loa uses that binary instead of
# building the release preset; LOA_RENDER_SETS="mix" (default "mix example") picks the stations.
# Installs sox's MP3 format and ffmpeg if missing. sox reads neither AAC nor Opus: those items
# are decoded by ffmpeg into sox through a pipe.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
sets=${LOA_RENDER_SETS:-mix example}

scripts/install-deps.sh build example
for p in ffmpeg time libsox-fmt-mp3; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || {
    sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >/dev/null
  }
done
loa=${LOA:-}
if [ -z "$loa" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target loa >/dev/null
  loa=build/release/app/loa
fi
export LC_NUMERIC=C
out=bench/out/render.txt
: >"$out"

seconds_of() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"; }

# state_of PID: its State letter (R, S, Z, ...); fails when there is no such process.
state_of() {
  local key value
  { while read -r key value _; do
      [ "$key" = State: ] && { echo "$value"; return 0; }
    done <"/proc/$1/status"; } 2>/dev/null
  return 1
}

# measure NAME CMD...: prints "seconds max_rss_kb own_kb". max_rss_kb is ru_maxrss as wait4 gives
# it: the largest of the process and of every process it started (loa's decoding helper, which
# decodes AAC clips with FFmpeg's libraries); own_kb is the process's own peak (VmHWM, read
# every 20 ms until it ends).
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" >/dev/null 2>"$work/$name.err" &
  local timer=$! pid="" own=0 key value tick state
  exec {tick}<> <(:)
  # Until `time` has ended (a zombie still answers kill -0: its State is looked at instead).
  while state=$(state_of "$timer") && [ "$state" != Z ]; do
    [ -z "$pid" ] && pid=$(pgrep -P "$timer" | head -1)
    if [ -n "$pid" ]; then
      { while read -r key value _; do
          [ "$key" = VmHWM: ] && own=$value
        done <"/proc/$pid/status"; } 2>/dev/null || true
    fi
    read -rt 0.02 -u "$tick" _ || true
  done
  exec {tick}>&-
  wait "$timer" || { cat "$work/$name.err" >&2; exit 1; }
  echo "$(cat "$work/$name.time") $own"
}

# bench_station TITLE: renders $work/station.yaml's hour and the zone lists zone_1.. (arrays of
# files, each the play list repeated; items starting after the hour left out) with every tool.
bench_station() {
  local title=$1 nzones=${#zone_lists[@]}
  local from=2026-12-01T06:00Z to=2026-12-01T07:00Z
  loa_warm() { measure loa_warm "$loa" render --config "$work/station.yaml" --from $from --to $to --out "$work/loa.wav"; }
  loa_cold() { rm -rf "$work/state/loudness.tsv" "$work/state/house"; measure loa_cold "$loa" render --config "$work/station.yaml" --from $from --to $to --out "$work/loa.wav"; }
  base_warm() { measure base_warm "$LOA_BASE" render --config "$work/station.yaml" --from $from --to $to --out "$work/loa.wav"; }
  base_cold() { rm -rf "$work/state/loudness.tsv" "$work/state/house"; measure base_cold "$LOA_BASE" render --config "$work/station.yaml" --from $from --to $to --out "$work/loa.wav"; }
  base_fresh() { rm -rf "$work/state"; measure base_fresh "$LOA_BASE" render --config "$work/station.yaml" --from $from --to $to --out "$work/loa.wav"; }
  loa_fresh() { rm -rf "$work/state"; measure loa_fresh "$loa" render --config "$work/station.yaml" --from $from --to $to --out "$work/loa.wav"; }
  sox_plain() {
    local script="$work/sox.sh" z i=0 zone_files
    { echo "set -e"
      for ((z = 0; z < nzones; z++)); do
        read -ra zone_files <<<"${zone_lists[z]}"
        local parts=()
        for f in "${zone_files[@]}"; do
          case "$f" in
            *.m4a|*.opus) echo "ffmpeg -nostdin -loglevel error -i '$f' -f wav - | sox -t wav - -b 16 -c 1 '$work/s$i.wav' rate -v 48000" ;;
            *) echo "sox '$f' -b 16 -c 1 '$work/s$i.wav' rate -v 48000" ;;
          esac
          parts+=("'$work/s$i.wav'"); i=$((i + 1))
        done
        echo "sox ${parts[*]} '$work/z$z.wav' trim 0 3600"
      done
      if ((nzones == 1)); then echo "mv '$work/z0.wav' '$work/sox.wav'"
      else echo "sox -M $(for ((z = 0; z < nzones; z++)); do printf "'%s/z%d.wav' " "$work" "$z"; done) '$work/sox.wav'"; fi
      echo "rm -f $work/s*.wav $work/z*.wav"; } >"$script"
    measure sox bash "$script"
  }
  ffmpeg_run() {  # ffmpeg_run NAME EXTRA_FILTER
    local args=() graph="" i=0 z zone_files joined="" labels
    for ((z = 0; z < nzones; z++)); do
      read -ra zone_files <<<"${zone_lists[z]}"
      labels=""
      for f in "${zone_files[@]}"; do
        args+=(-i "$f")
        graph+="[$i:a]aresample=48000:resampler=soxr,aformat=channel_layouts=mono[a$i];"
        labels+="[a$i]"; i=$((i + 1))
      done
      graph+="${labels}concat=n=${#zone_files[@]}:v=0:a=1$2[z$z];"
      joined+="[z$z]"
    done
    if ((nzones == 1)); then graph+="[z0]anull[out]"
    else graph+="${joined}join=inputs=$nzones:channel_layout=$( ((nzones == 2)) && echo stereo || echo "${nzones}c")[out]"; fi
    measure "$1" ffmpeg -nostdin -loglevel error -y "${args[@]}" -filter_complex "$graph" -map "[out]" \
      -t 3600 -ar 48000 -c:a pcm_s16le "$work/$1.wav"
  }

  local tools=(loa_fresh loa_cold loa_warm sox ffmpeg)
  [ -n "${LOA_BASE:-}" ] && tools+=(base_fresh base_cold base_warm)
  [ "${LOA_BENCH_LOUDNORM:-}" = 1 ] && tools+=(ffmpeg_loudnorm)
  declare -A results=()
  local same=""
  loa_warm >/dev/null  # fills the caches and the page cache
  for ((run = 0; run < runs; run++)); do
    if [ -n "${LOA_BASE:-}" ]; then
      results[base_fresh]+="$(base_fresh)|"
      results[base_cold]+="$(base_cold)|"
      results[base_warm]+="$(base_warm)|"
      mv "$work/loa.wav" "$work/base.wav"
    fi
    results[loa_fresh]+="$(loa_fresh)|"
    results[loa_cold]+="$(loa_cold)|"
    results[loa_warm]+="$(loa_warm)|"
    if [ -n "${LOA_BASE:-}" ]; then
      if cmp -s "$work/loa.wav" "$work/base.wav"; then same="the same bytes"; else same="DIFFERENT bytes"; fi
    fi
    results[sox]+="$(sox_plain)|"
    results[ffmpeg]+="$(ffmpeg_run ffmpeg "")|"
    [ "${LOA_BENCH_LOUDNORM:-}" = 1 ] && results[ffmpeg_loudnorm]+="$(ffmpeg_run ffmpeg_loudnorm ",loudnorm=I=-16")|"
  done

  median() { tr '|' '\n' | grep -v '^$' | awk '{print $'"$1"'}' | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
  minmax() { tr '|' '\n' | grep -v '^$' | awk '{print $1}' | sort -g | awk 'NR==1{mn=$1} {mx=$1} END{printf "%s..%s", mn, mx}'; }
  {
    echo "$title"
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), runs: $runs, load average before: $load_before"
    printf "%-38s %10s %14s %12s %12s\n" "tool" "median s" "min..max s" "peak MB" "own MB"
    for k in "${tools[@]}"; do
      local own=-
      case "$k" in loa_*|base_*) own=$(awk -v kb="$(echo "${results[$k]}" | median 3)" 'BEGIN{printf "%.1f", kb/1024}') ;; esac
      printf "%-38s %10s %14s %12s %12s\n" "$k" "$(echo "${results[$k]}" | median 1)" "$(echo "${results[$k]}" | minmax)" \
        "$(awk -v kb="$(echo "${results[$k]}" | median 2)" 'BEGIN{printf "%.1f", kb/1024}')" "$own"
    done
    echo "peak MB: ru_maxrss, the largest of the command and the processes it starts (loa's decoding"
    echo "helper for AAC clips); own MB: loa's own process (VmHWM, the render process)"
    local lw lc lf sx ff
    lw=$(echo "${results[loa_warm]}" | median 1); lc=$(echo "${results[loa_cold]}" | median 1)
    lf=$(echo "${results[loa_fresh]}" | median 1)
    sx=$(echo "${results[sox]}" | median 1); ff=$(echo "${results[ffmpeg]}" | median 1)
    awk -v lw="$lw" -v lc="$lc" -v lf="$lf" -v sx="$sx" -v ff="$ff" 'BEGIN{
      printf "ratio ffmpeg/loa_warm %.2fx, ffmpeg/loa_cold %.2fx, ffmpeg/loa_fresh %.2fx; sox/loa_warm %.2fx, sox/loa_cold %.2fx, sox/loa_fresh %.2fx\n", ff/lw, ff/lc, ff/lf, sx/lw, sx/lc, sx/lf}'
    if [ -n "${LOA_BASE:-}" ]; then
      local bw bc bf; bw=$(echo "${results[base_warm]}" | median 1); bc=$(echo "${results[base_cold]}" | median 1)
      bf=$(echo "${results[base_fresh]}" | median 1)
      awk -v lw="$lw" -v lc="$lc" -v lf="$lf" -v bw="$bw" -v bc="$bc" -v bf="$bf" -v ff="$ff" -v sx="$sx" 'BEGIN{
        printf "before (LOA_BASE): ffmpeg/base_warm %.2fx, ffmpeg/base_cold %.2fx, sox/base_warm %.2fx; base_warm/loa_warm %.2fx, base_cold/loa_cold %.2fx, base_fresh/loa_fresh %.2fx\n", ff/bw, ff/bc, sx/bw, bw/lw, bc/lc, bf/lf}'
      echo "output of loa_warm against base_warm (last run): $same"
    fi
    echo "resamplers: loa soxr HQ (20-bit), sox rate -v (soxr VHQ), ffmpeg aresample=soxr (default precision 20-bit)"
    echo "loa normalizes loudness to -16 LUFS; sox and ffmpeg do not"
    echo
  } | tee -a "$out"
}

# play_list NAME FILES...: the programme of one zone; sets `repeat` and appends the hour's items
# to zone_lists.
write_programme() {  # write_programme ID ZONE FILES... (files relative to the station's clips/)
  local id=$1 zone=$2; shift 2
  local total=0 f names=() items=() t=0 r
  for f; do total=$(awk -v a="$total" -v b="$(seconds_of "$clips/$f")" 'BEGIN{print a + b}'); done
  local repeat; repeat=$(awk -v t="$total" 'BEGIN{print int(3600 / t) + 1}')
  for ((r = 0; r < repeat; r++)); do
    for f; do
      awk -v t="$t" 'BEGIN{exit !(t < 3600)}' || break 2
      items+=("$clips/$f")
      t=$(awk -v a="$t" -v b="$(seconds_of "$clips/$f")" 'BEGIN{print a + b}')
    done
  done
  for f; do names+=("'$f'"); done
  printf "  - id: %s\n    zones: [%s]\n    slots:\n      - {at: '06:00', repeat: %d, play: [%s]}\n" \
    "$id" "$zone" "$repeat" "$(IFS=,; echo "${names[*]}")" >>"$work/station.yaml"
  zone_lists+=("${items[*]}")
  hours=$(awk -v h="$hours" -v t="$t" 'BEGIN{printf "%.2f", h + t / 3600}')
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

for set in $sets; do
  case "$set" in
    mix)
      bench/make_corpus.sh >&2
      work=bench/out/render-mix
      rm -rf "$work" && mkdir -p "$work"
      clips=$PWD/bench/out/corpus/ok
      zone_lists=() hours=0
      {
        echo "station: {timezone: UTC, clips: $clips/, state: state/}"
        echo "audio: {sample_rate: 48000, loudness: -16, chime: none}"
        echo "zones: [{id: ap-1, channel: 1}, {id: ap-2, channel: 2}]"
        echo "programmes:"
      } >"$work/station.yaml"
      z1=() z2=()
      for ((i = 0; i < 20; i++)); do
        z1+=("$(cd "$clips" && ls speech-$(printf %02d "$i")-*)")
        z2+=("$(cd "$clips" && ls speech-$(printf %02d $((i + 20)))-*)")
      done
      # Music between the announcements, and the long recordings: the meeting and a phone's
      # recording on the first zone, the district's bulletin on the second.
      z1=("${z1[@]:0:10}" music-1.flac music-3.mp3 "${z1[@]:10}" music-5.opus long-meeting.mp3 long-phone.m4a)
      z2=("${z2[@]:0:10}" music-2.ogg music-4.wav "${z2[@]:10}" music-6.ogg long-district.mp3)
      write_programme ap-1-hour ap-1 "${z1[@]}"
      write_programme ap-2-hour ap-2 "${z2[@]}"
      n1=$(wc -w <<<"${zone_lists[0]}"); n2=$(wc -w <<<"${zone_lists[1]}")
      formats=$(printf '%s\n' "${z1[@]}" "${z2[@]}" | sort -u | while read -r f; do
        ffprobe -v error -select_streams a:0 -show_entries stream=codec_name,sample_rate,channels -of csv=p=0 "$clips/$f"; done | sort -u | wc -l)
      bench_station "Render one hour, real-world mix: 2 zones, $((${#z1[@]} + ${#z2[@]})) files in $formats format/rate/channel combinations (items: $n1 + $n2, ${hours} h of audio; loa renders exactly 1 h) to 48 kHz 16-bit WAV, loudness on"
      ;;
    example)
      examples/make-clips.sh >/dev/null
      work=bench/out/render
      rm -rf "$work" && mkdir -p "$work/clips"
      example=(mo-dau-sang.wav tin-nong-nghiep.flac tin-an-toan-giao-thong.wav tin-sot-xuat-huyet.ogg
               nhac-nen-1.flac mxh-gioi-thieu.wav mxh-lua-dao-viec-lam.wav mxh-thu-thach-nguy-hiem.ogg
               mxh-thuoc-la-dien-tu.flac mxh-tin-gia.ogg tiem-chung-thang-12.wav cat-dien-dinh-ky.flac
               canh-bao-lu.wav nhac-nen-2.ogg ket-thuc.ogg mo-dau-chieu.wav)
      for c in "${example[@]}"; do cp "examples/clips/$c" "$work/clips/"; done
      clips=$PWD/$work/clips
      zone_lists=() hours=0
      {
        echo "station: {timezone: UTC, clips: clips/, state: state/}"
        echo "audio: {sample_rate: 48000, loudness: -16, chime: none}"
        echo "zones: [{id: z, channel: 1}]"
        echo "programmes:"
      } >"$work/station.yaml"
      write_programme hour z "${example[@]}"
      bench_station "Render one hour, the example station: 1 zone, ${#example[@]} clips (WAV, FLAC, Ogg Vorbis; items: $(wc -w <<<"${zone_lists[0]}"), ${hours} h of audio; loa renders exactly 1 h) to 48 kHz 16-bit WAV, loudness on"
      ;;
    *) echo "render_bench: unknown set '$set' (mix, example)" >&2; exit 2 ;;
  esac
done

# Peak memory with a one-hour MP3: rendering the hour, and previewing it (30 s) on the JACK server.
work=bench/out/render
mkdir -p "$work/clips"
hour="$work/clips/hour.mp3"
ffmpeg -nostdin -loglevel error -y -f lavfi -i "anoisesrc=color=pink:duration=3600:amplitude=0.2:seed=7" \
  -ar 44100 -ac 2 -b:a 128k "$hour"
cat > "$work/hour.yaml" <<YAML
station: {timezone: UTC, clips: clips/, state: state-hour/}
audio: {sample_rate: 48000, loudness: -16, chime: none}
zones: [{id: z, channel: 1}]
programmes: [{id: hour, slots: [{at: '06:00', play: [hour.mp3]}]}]
YAML
rm -rf "$work/state-hour"
read -r secs kb _ < <(measure mp3_render "$loa" render --config "$work/hour.yaml" \
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
