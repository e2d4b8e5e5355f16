#!/usr/bin/env bash
# Measures the loudness of the whole benchmark corpus (bench/make_corpus.sh: ok/, both one-hour
# files included) with `loa scan --json` and with ffmpeg's ebur128 filter (one ffmpeg process per
# file, as a script would), alternately, several times; prints medians, min..max, x real time and
# ratios, and how far loa's loudness is from ffmpeg's, file by file, into bench/out/scan.txt.
#   loa_cold        loa scan FILES: no station, so no cache file: every file measured every run
#   loa_warm        loa scan --config STATION FILES: the loudness cache in the station's state
#                   folder is filled once before the runs; each run still hashes every file
#   ffmpeg_seq      ffmpeg -i F -filter_complex ebur128=peak=true -f null -, file after file
#   ffmpeg_par2     the same, two files at a time (xargs -P 2): loa uses both cores too
#   ffmpeg_seq_nopeak  ebur128 without peak=true, file after file: loudness only (no true peak,
#                   which loa always measures), for comparison with figures taken that way
# Usage: bench/scan_bench.sh [RUNS]   (default 3). LOA=path/to/loa uses that binary instead of
# building the release preset. Installs ffmpeg (and the corpus's tools) if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}

for p in ffmpeg time; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || {
    sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >/dev/null
  }
done
loa=${LOA:-}
if [ -z "$loa" ]; then
  scripts/install-deps.sh build
  cmake --preset release >/dev/null
  cmake --build --preset release --target loa >/dev/null
  loa=build/release/app/loa
fi
bench/make_corpus.sh >&2
export LC_NUMERIC=C

corpus=bench/out/corpus
work=bench/out/scan
rm -rf "$work" && mkdir -p "$work/seq" "$work/par" "$work/nopeak" "$work/mono"
mapfile -t files < <(awk -F'\t' -v dir="$corpus" 'NR > 1 && $1 ~ /^ok\// {print dir "/" $1}' "$corpus/manifest.tsv")
seconds=$(awk -F'\t' 'NR > 1 && $1 ~ /^ok\// {s += $5} END {printf "%.1f", s}' "$corpus/manifest.tsv")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

measure() {  # measure NAME OK_EXIT_CODES CMD...: prints "seconds max_rss_kb"; stdout to NAME.out
  local name=$1 ok=$2 rc=0; shift 2
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  case " $ok " in *" $rc "*) ;; *) echo "scan_bench: $name failed ($rc)" >&2; cat "$work/$name.err" >&2; exit 1 ;; esac
  cat "$work/$name.time"
}

# The station for the warm cache: its state folder holds loudness.tsv; the clips are named on the
# command line (absolute paths), so it needs no programme. Exit 1 is allowed: a clip loa cannot
# read is reported, not a failure of the benchmark.
cat >"$work/station.yaml" <<YAML
station: {timezone: UTC, clips: $PWD/$corpus/ok/, state: state/}
zones: [{id: z, channel: 1}]
programmes: []
YAML
"$loa" scan --config "$work/station.yaml" --json "${files[@]}" >/dev/null 2>&1 || true

loa_cold() { measure loa_cold "0 1" "$loa" scan --json "${files[@]}"; }
loa_warm() { measure loa_warm "0 1" "$loa" scan --config "$work/station.yaml" --json "${files[@]}"; }
# One ffmpeg per file; its log (the Summary) goes to DIR/NAME.log.
ff_one='ffmpeg -nostdin -hide_banner -nostats -i "$1" -filter_complex ebur128=peak=true -f null - 2>"$0/${1##*/}.log"'
ffmpeg_seq() { measure ffmpeg_seq 0 bash -c 'd=$1; shift; for f; do bash -c "$0" "$d" "$f"; done' "$ff_one" "$work/seq" "${files[@]}"; }
ff_nopeak='ffmpeg -nostdin -hide_banner -nostats -i "$1" -filter_complex ebur128 -f null - 2>"$0/${1##*/}.log"'
ffmpeg_seq_nopeak() { measure ffmpeg_seq_nopeak 0 bash -c 'd=$1; shift; for f; do bash -c "$0" "$d" "$f"; done' "$ff_nopeak" "$work/nopeak" "${files[@]}"; }
ffmpeg_par2() {
  printf '%s\0' "${files[@]}" >"$work/files.list"
  measure ffmpeg_par2 0 xargs -0 -P 2 -n 1 -a "$work/files.list" bash -c "$ff_one" "$work/par"
}

declare -A results
for ((run = 0; run < runs; run++)); do
  results[loa_cold]+="$(loa_cold)|"
  results[ffmpeg_seq]+="$(ffmpeg_seq)|"
  results[loa_warm]+="$(loa_warm)|"
  results[ffmpeg_par2]+="$(ffmpeg_par2)|"
  results[ffmpeg_seq_nopeak]+="$(ffmpeg_seq_nopeak)|"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# The agreement check (not timed): ffmpeg on the signal loa measures, the mono downmix (the mean of
# the channels), with its integrated loudness to 0.001 LU (the last lavfi.r128.I of the frames).
for f in "${files[@]}"; do
  mix=anull
  [ "$(ffprobe -v error -show_entries stream=channels -of csv=p=0 "$f")" = 2 ] && mix="pan=mono|c0=0.5*c0+0.5*c1"
  ffmpeg -nostdin -hide_banner -nostats -i "$f" \
    -filter_complex "$mix,ebur128=peak=true:metadata=1,ametadata=mode=print:key=lavfi.r128.I" \
    -f null - 2>"$work/mono/${f##*/}.log"
done

# ffmpeg's result from a log: the last Summary's I (0.1 LU) and Peak (dBFS, 0.1 dB); ffmpeg 5.1
# may print an empty Summary (-70) first, from a filter graph it configured and dropped.
summary() { awk '$1 == "I:" {i = $2} $1 == "Peak:" {p = $2} END {print i, p}' "$1"; }
fine_i() { awk -F= '/lavfi.r128.I=/ {i = $2} END {print i}' "$1"; }
json_field() {  # json_field KEY LINE: a string or number field of one of loa's JSON lines
  local v
  v=$(sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" <<<"$2")
  [ -n "$v" ] || v=$(sed -n "s/.*\"$1\":\\([^,}\"]*\\).*/\\1/p" <<<"$2")
  echo "$v"
}

per_file=$work/per_file.tsv
printf 'file\tformat\trate\tch\tseconds\tloa_lufs\tffmpeg_lufs\tffmpeg_mono_lufs\tloa_minus_mono\tloa_peak\tffmpeg_mono_peak\tkind\n' >"$per_file"
declare -A loa_line
while IFS= read -r line; do loa_line[$(json_field path "$line")]=$line; done <"$work/loa_cold.out"
failed=()
while IFS=$'\t' read -r rel fmt rate ch secs; do
  f=$corpus/$rel name=${rel##*/}
  line=${loa_line[$f]:-}
  if [ -z "$line" ] || [ -n "$(json_field error "$line")" ]; then
    failed+=("$name: $(json_field error "$line")"); continue
  fi
  read -r ff_i _ < <(summary "$work/seq/$name.log")
  read -r _ mono_peak < <(summary "$work/mono/$name.log")
  mono_i=$(fine_i "$work/mono/$name.log")
  kind=mono
  if [ "$ch" = 2 ]; then case "$name" in speech-*) kind=dual-mono ;; *) kind=stereo ;; esac; fi
  l=$(json_field lufs "$line") p=$(json_field peak_dbfs "$line")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.3f\t%s\t%s\t%s\n' "$name" "$fmt" "$rate" "$ch" "$secs" "$l" \
    "$ff_i" "$mono_i" "$(awk -v a="$l" -v b="$mono_i" 'BEGIN{print a - b}')" "$p" "$mono_peak" "$kind" >>"$per_file"
done < <(awk -F'\t' 'NR > 1 && $1 ~ /^ok\//' "$corpus/manifest.tsv")

median() { tr '|' '\n' | grep -v '^$' | awk '{print $'"$1"'}' | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
minmax() { tr '|' '\n' | grep -v '^$' | awk '{print $1}' | sort -g | awk 'NR==1{mn=$1} {mx=$1} END{printf "%s..%s", mn, mx}'; }
# pair_ratio A B: the median over runs of A_run / B_run (runs alternate, so each pair shares a moment).
pair_ratio() {
  paste -d' ' <(echo "${results[$1]}" | tr '|' '\n' | grep -v '^$' | awk '{print $1}') \
              <(echo "${results[$2]}" | tr '|' '\n' | grep -v '^$' | awk '{print $1}') |
    awk '{print $1 / $2}' | sort -g | awk '{a[NR]=$1} END{printf "%.1f", a[int((NR+1)/2)]}'
}
# stats AWK_FILTER EXPR: "n, max |x|, median |x|" over the per-file rows the filter selects.
stats() {
  awk -F'\t' "NR > 1 && ($1) {x = $2; print (x < 0 ? -x : x)}" "$per_file" | sort -g |
    awk '{a[NR]=$1} END{if (NR == 0) {print "n 0"; exit}
      printf "n %d, max %.2f, median %.2f", NR, a[NR], (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'
}
mean_of() { awk -F'\t' "NR > 1 && ($1) {s += $2; n++} END{if (n) printf \"%+.2f\", s / n}" "$per_file"; }

out=bench/out/scan.txt
hours=$(awk -v s="$seconds" 'BEGIN{printf "%.2f", s / 3600}')
{
  echo "Loudness scan (EBU R128 integrated + true peak) of the corpus: ${#files[@]} files, ${hours} h of audio (two one-hour files included)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), runs: $runs, load average before ${load_before}, after ${load_after}"
  printf "%-38s %10s %16s %12s %12s\n" "tool" "median s" "min..max s" "x real time" "peak MB"
  for k in loa_cold loa_warm ffmpeg_seq ffmpeg_par2 ffmpeg_seq_nopeak; do
    m=$(echo "${results[$k]}" | median 1)
    printf "%-38s %10s %16s %12s %12s\n" "$k" "$m" "$(echo "${results[$k]}" | minmax)" \
      "$(awk -v s="$seconds" -v m="$m" 'BEGIN{printf "%.0fx", s / m}')" \
      "$(awk -v kb="$(echo "${results[$k]}" | median 2)" 'BEGIN{printf "%.1f", kb/1024}')"
  done
  echo "ratio (median of run-by-run ratios): ffmpeg_seq/loa_cold $(pair_ratio ffmpeg_seq loa_cold)x," \
    "ffmpeg_par2/loa_cold $(pair_ratio ffmpeg_par2 loa_cold)x, ffmpeg_seq/loa_warm $(pair_ratio ffmpeg_seq loa_warm)x," \
    "ffmpeg_par2/loa_warm $(pair_ratio ffmpeg_par2 loa_warm)x, ffmpeg_seq_nopeak/loa_cold $(pair_ratio ffmpeg_seq_nopeak loa_cold)x"
  echo "loa measures loudness and true peak of the mono downmix (the mean of the channels) on 2 threads; ffmpeg (ebur128=peak=true) of the file's own channels;"
  echo "ffmpeg_seq_nopeak: ebur128 without true peak (loudness only: less work than loa does); peak MB: one process (ffmpeg: the largest)"
  echo "agreement, |loa - ffmpeg| integrated loudness in LU (ffmpeg Summary: 0.1 LU steps):"
  echo "  mono files                            $(stats '$12 == "mono"' '$6 - $7')"
  echo "  stereo, same signal in L and R        $(stats '$12 == "dual-mono"' '$6 - $7 + 3.0103') after ffmpeg's +3.01 LU (it sums the two channels; loa measures one); raw mean difference $(mean_of '$12 == "dual-mono"' '$6 - $7') LU"
  echo "  stereo, different L and R (music)     not comparable by design: raw mean difference $(mean_of '$12 == "stereo"' '$6 - $7') LU"
  echo "  every file, ffmpeg on loa's downmix   $(stats 1 '$9') (ffmpeg to 0.001 LU; pan=mono|c0=0.5*c0+0.5*c1 for stereo)"
  echo "  over 0.1 LU: $(awk -F'\t' 'NR > 1 {x = $9 < 0 ? -$9 : $9; if (x > 0.1) printf "%s%s (%+.2f)", (n++ ? ", " : ""), $1, $9} END{if (!n) printf "none"}' "$per_file")"
  echo "  true peak, |loa - ffmpeg| on the downmix (ffmpeg: 0.1 dB steps): $(stats 1 '$10 - $11') dB"
  if [ ${#failed[@]} -eq 0 ]; then echo "loa read every file"; else echo "loa could not read: $(IFS=';'; echo "${failed[*]}")"; fi
  echo "per file (kind: mono; dual-mono = stereo with L = R; stereo = different L and R):"
  column -t -s $'\t' "$per_file" | sed 's/^/  /'
} | tee "$out"

# The broken files: what each tool says (not timed).
{
  echo "broken files (bench/out/corpus/broken): loa scan, then ffmpeg"
  for f in "$corpus"/broken/*; do
    l=$("$loa" scan --json "$f" 2>/dev/null || true)
    err=$(json_field error "$l")
    if [ -n "$err" ]; then l="error: $err"; else l="measured: $(json_field lufs "$l") LUFS, $(json_field length_s "$l") s"; fi
    ff_log=$(ffmpeg -nostdin -hide_banner -nostats -i "$f" -filter_complex ebur128 -f null - 2>&1 || true)
    if grep -q 'Integrated loudness' <<<"$ff_log"; then
      ff="measured: $(awk '$1 == "I:" {i = $2} END {print i}' <<<"$ff_log") LUFS,"
      ff+=" $(sed -n 's/.* time=\([0-9:.]*\) .*/\1/p' <<<"$ff_log" | tail -1) decoded"
      warn=$(grep -E '^\[(flac|mp3|wav|ogg|vorbis|opus|libopus|mp3float)|^Error|corrupt' <<<"$ff_log" | head -1 | sed 's/^\[[^]]*\] //' | cut -c1-70 || true)
      ff+=", ${warn:+warns: $warn}"
      [ -n "$warn" ] || ff+="no warning"
    else
      ff=$(grep -v '^\s*$' <<<"$ff_log" | tail -1)
      ff="error: ${ff#"$f: "}"
    fi
    printf "  %-22s loa: %s\n  %-22s ffmpeg: %s\n" "${f##*/}" "$l" "" "$ff"
  done
} | tee -a "$out"
