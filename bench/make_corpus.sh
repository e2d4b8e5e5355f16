#!/usr/bin/env bash
# Makes the benchmark corpus in bench/out/corpus/ (deterministic: fixed texts, fixed seeds):
#   ok/      40 speech clips (Vietnamese and English, espeak-ng, 5-40 s) and 6 music-like clips
#            (sox plucked chords with fades, 4 min in all), spread over 16 combinations of format,
#            rate and channels: WAV (22.05/44.1/48 kHz, mono and stereo), FLAC, Ogg Vorbis, Opus,
#            MP3 (CBR and VBR, 22.05/44.1/48 kHz, with ID3 tags and album art) and AAC in M4A, at
#            loudness (of the mono downmix) from about -35 to -10 LUFS; three long recordings
#            (long-meeting.mp3 20 min, long-district.mp3 15 min, long-phone.m4a 12 min); and
#            hour.mp3 and hour.flac (one hour each: a music bed, speech and pink noise)
#   broken/  truncated (MP3, tagged MP3, FLAC, WAV, Ogg, M4A cut in half), empty, not audio (text
#            as .mp3, random bytes as .wav and .m4a)
#   manifest.tsv  file, format, rate, channels, seconds (from ffprobe; "-" for broken files)
# Speech clips in stereo carry the same signal in both channels (dual mono); music clips in stereo
# are real stereo (different notes left and right).
# Usage: bench/make_corpus.sh [--force]. Skips everything when the corpus is already made by this
# very script (bench/out/corpus/.done holds the script's checksum). Installs espeak-ng, sox and
# ffmpeg if missing. Takes about 75 s on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

out=bench/out/corpus
stamp=$(sha256sum bench/make_corpus.sh | cut -d' ' -f1)
if [ "${1:-}" != --force ] && [ -f "$out/.done" ] && [ "$(cat "$out/.done")" = "$stamp" ]; then
  echo "make_corpus: $out is up to date"
  exit 0
fi

scripts/install-deps.sh example
dpkg-query -W -f='${Status}' ffmpeg 2>/dev/null | grep -q "install ok installed" || {
  sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null
}

export LC_NUMERIC=C
rm -rf "$out"
mkdir -p "$out/ok" "$out/broken" "$out/tmp"
tmp=$out/tmp
ff=(ffmpeg -nostdin -hide_banner -loglevel error -y)
bitexact=(-fflags +bitexact -flags:a +bitexact)
# The album art of the tagged MP3s.
"${ff[@]}" -f lavfi -i "testsrc2=size=600x600:rate=1" -frames:v 1 -q:v 2 -flags:v +bitexact "$tmp/cover.jpg"

# ---------------------------------------------------------------------------------------------
# Fixed texts: commune announcements, as a station airs them.
vi_text=(
  "Kính thưa bà con nhân dân trong xã. Sau đây là thông báo của Ủy ban nhân dân xã."
  "Sáng thứ bảy tuần này, trạm y tế xã tổ chức tiêm chủng mở rộng cho trẻ em dưới năm tuổi. Các gia đình nhớ mang theo sổ tiêm chủng."
  "Do ảnh hưởng của áp thấp nhiệt đới, từ đêm nay đến ngày mai trên địa bàn xã có mưa to đến rất to. Bà con không đi qua các ngầm tràn khi nước đang lên."
  "Điện lực huyện thông báo lịch cắt điện định kỳ từ bảy giờ sáng đến năm giờ chiều ngày mười lăm, để bảo dưỡng đường dây trung thế."
  "Hợp tác xã nông nghiệp khuyến cáo bà con theo dõi sâu cuốn lá nhỏ trên lúa hè thu và phun thuốc đúng thời điểm, đúng liều lượng."
  "Hiện nay trên mạng xã hội xuất hiện nhiều tin nhắn lừa đảo tuyển dụng việc làm nhẹ lương cao. Bà con tuyệt đối không chuyển tiền cho người lạ."
  "Để phòng chống sốt xuất huyết, mỗi gia đình hãy dọn dẹp vật dụng chứa nước đọng quanh nhà, ngủ màn kể cả ban ngày."
  "Người điều khiển xe mô tô, xe gắn máy phải đội mũ bảo hiểm đúng quy cách, không uống rượu bia khi tham gia giao thông."
  "Chương trình phát thanh buổi sáng của Đài truyền thanh xã đến đây là kết thúc. Xin chào và hẹn gặp lại."
  "Ban chỉ huy quân sự xã thông báo lịch khám sức khỏe nghĩa vụ quân sự cho thanh niên trong độ tuổi vào chủ nhật tới tại hội trường xã."
)
en_text=(
  "Good morning. This is the commune radio with today's announcements from the People's Committee."
  "The health station will hold a vaccination day for children under five this Saturday morning. Please bring the vaccination book."
  "A tropical depression is bringing heavy rain tonight and tomorrow. Do not cross flooded fords while the water is rising."
  "The power company will cut the electricity from seven in the morning until five in the afternoon on the fifteenth, for line maintenance."
  "The agricultural cooperative advises farmers to watch for leaf folders on the summer rice and to spray at the right time and dose."
  "Fraudulent job offers promising high pay for light work are spreading on social media. Never send money to people you do not know."
  "To prevent dengue fever, every family should empty standing water around the house and sleep under a mosquito net, even by day."
  "Riders of motorbikes must wear a proper helmet and must not drink alcohol before they ride."
  "This is the end of the morning programme of the commune radio. Thank you for listening, and goodbye."
  "The commune military command announces health checks for young men of service age next Sunday at the commune hall."
)

# The outputs, cycled over the clips: format rate channels. 16 combinations as a station receives
# them: a quarter MP3 (CBR and VBR, 22.05/44.1/48 kHz, mono and stereo, with ID3 tags and album art:
# from the district and from phones), AAC in M4A from phones and Zalo (moov at the end, as phones
# write it, or at the front), and the station's own WAV, FLAC, Ogg Vorbis and Opus.
specs=(
  "wav 22050 1" "flac 44100 1" "mp3-cbr 44100 2" "ogg 44100 1" "m4a 48000 1" "wav 44100 2"
  "flac 48000 2" "mp3-cbr 22050 1" "ogg 22050 2" "mp3-vbr 44100 1" "opus 48000 1" "m4a-fast 44100 2"
  "wav 48000 1" "mp3-vbr 48000 2" "flac 22050 1" "wav 44100 1"
)

# measure_i FILE: integrated loudness (LUFS, 0.1 LU) of FILE's mono downmix (the mean of its
# channels, as a loudspeaker zone hears it) by ffmpeg's ebur128 filter. The last summary: ffmpeg 5.1
# may print an empty one (-70) first, from a filter graph it configured and dropped.
measure_i() {
  local mix=anull
  [ "$(soxi -c "$1")" = 2 ] && mix="pan=mono|c0=0.5*c0+0.5*c1"
  ffmpeg -nostdin -hide_banner -nostats -i "$1" -filter_complex "$mix,ebur128" -f null - 2>&1 |
    awk '/Integrated loudness:/ {f = 1} f && $1 == "I:" {i = $2; f = 0} END {print i}'
}

# finish SRC NAME FORMAT RATE CHANNELS TARGET_LUFS: brings SRC (a WAV) to about the target loudness
# at RATE and CHANNELS (sox `vol`, whose limiter rounds off the samples that would clip: the loudest
# clips are limited, as hot masters are; one correction step makes up for what the limiter took),
# and encodes it as ok/NAME.FORMAT. A mono SRC becomes dual mono; a stereo SRC keeps its channels.
# mp3_tagged WAV DST TITLE LAME_OPTIONS...: an MP3 as the district or a phone app sends it: ID3v2.3
# tags (title, artist, album, year) and the album art (a JPEG of about 60 KB) before the audio.
mp3_tagged() {
  local wav=$1 dst=$2 title=$3; shift 3
  "${ff[@]}" -i "$wav" -i "$tmp/cover.jpg" -map 0:a -map 1:v "${bitexact[@]}" -flags:v +bitexact \
    -c:a libmp3lame "$@" -c:v copy -disposition:v attached_pic -id3v2_version 3 \
    -metadata title="$title" -metadata artist="Đài Truyền thanh huyện" -metadata album="Tin tức" \
    -metadata date=2026 -metadata:s:v title="Album cover" -metadata:s:v comment="Cover (front)" "$dst"
}
# m4a WAV DST BITRATE [OPTIONS...]: AAC-LC in an MP4 container, as a phone records a voice memo.
m4a() {
  local wav=$1 dst=$2 rate=$3; shift 3
  "${ff[@]}" -i "$wav" "${bitexact[@]}" -c:a aac -b:a "$rate" "$@" "$dst"
}
apply_gain() {  # apply_gain SRC CHANNELS RATE GAIN_DB DST (the limiter only where the gain is > 0)
  local limiter=()
  [ "${4#-}" = "$4" ] && limiter=(0.05)
  sox -R -V1 "$1" -b 16 -c "$2" "$5" rate -v "$3" vol "$4" dB "${limiter[@]}"
}
finish() {
  local src=$1 name=$2 fmt=$3 rate=$4 ch=$5 target=$6
  local level gain wav=$tmp/$name.out.wav dst=$out/ok/$name.$fmt
  level=$(measure_i "$src")
  gain=$(awk -v t="$target" -v l="$level" 'BEGIN{printf "%.2f", t - l}')
  apply_gain "$src" "$ch" "$rate" "$gain" "$wav"
  level=$(measure_i "$wav")
  if awk -v t="$target" -v l="$level" 'BEGIN{exit !(t - l > 0.3)}'; then
    gain=$(awk -v g="$gain" -v t="$target" -v l="$level" 'BEGIN{printf "%.2f", g + t - l}')
    apply_gain "$src" "$ch" "$rate" "$gain" "$wav"
  fi
  case "$fmt" in
    mp3-*|m4a*) dst=$out/ok/$name.${fmt%%-*} ;;
  esac
  case "$fmt" in
    wav) mv "$wav" "$dst" ;;
    flac) sox -R "$wav" -C 5 "$dst" ;;
    ogg) sox -R "$wav" -C 3 "$dst" ;;
    opus) "${ff[@]}" -i "$wav" "${bitexact[@]}" -c:a libopus -b:a $((32 * ch))k "$dst" ;;
    mp3) "${ff[@]}" -i "$wav" "${bitexact[@]}" -c:a libmp3lame -b:a $((64 * ch))k "$dst" ;;
    mp3-cbr) mp3_tagged "$wav" "$dst" "$name" -b:a $((64 * ch))k ;;
    mp3-vbr) mp3_tagged "$wav" "$dst" "$name" -q:a $((7 - ch)) ;;
    m4a) m4a "$wav" "$dst" "$((48 * ch))k" ;;
    m4a-fast) m4a "$wav" "$dst" "$((48 * ch))k" -movflags +faststart ;;
  esac
  rm -f "$wav"
}

# ---------------------------------------------------------------------------------------------
# Speech: 40 clips, alternately Vietnamese and English, 1 to 5 sentences, speed 130-180 words a
# minute, pitch 35-64; cut to 40 s and padded to at least 5 s.
echo "make_corpus: speech"
speech_job() {  # speech_job I
  local i=$1 lang voice n first text="" k speed pitch raw len target fit
  if ((i % 2 == 0)); then lang="vi" voice="vi"; else lang="en" voice="en"; fi
  n=$((1 + (i * 7) % 5)); first=$(((i * 3) % 10))
  for ((k = 0; k < n; k++)); do
    if [ "$lang" = vi ]; then text+="${vi_text[(first + k) % 10]} "; else text+="${en_text[(first + k) % 10]} "; fi
  done
  speed=$((130 + (i * 13) % 51)); pitch=$((35 + (i * 11) % 30))
  raw=$tmp/speech-$i.raw.wav
  espeak-ng -v "$voice" -s "$speed" -p "$pitch" -w "$raw" "$text"
  len=$(soxi -D "$raw")
  fit=(trim 0 40)
  if awk -v l="$len" 'BEGIN{exit !(l < 5)}'; then fit=(pad 0 "$(awk -v l="$len" 'BEGIN{print 5.2 - l}')"); fi
  sox -R "$raw" "$tmp/speech-$i.wav" "${fit[@]}"
  # Targets -35..-10 LUFS, shuffled against the formats.
  target=$(awk -v j=$(((i * 17) % 40)) 'BEGIN{printf "%.1f", -35 + 25 * j / 39}')
  read -r fmt rate ch <<<"${specs[i % ${#specs[@]}]}"
  finish "$tmp/speech-$i.wav" "$(printf 'speech-%02d-%s' "$i" "$lang")" "$fmt" "$rate" "$ch" "$target"
  rm -f "$raw" "$tmp/speech-$i.wav"
}
# Two jobs at a time; `wait PID` makes a failed job fail the script.
for ((i = 0; i < 40; i += 2)); do
  speech_job "$i" & a=$!
  speech_job $((i + 1)) & b=$!
  wait "$a"; wait "$b"
done

# ---------------------------------------------------------------------------------------------
# Music-like: plucked six-note chords (guitar-like strum), four chords to a bar, looped, with fade
# in and out. Stereo: three strings left, three right.
echo "make_corpus: music"
chords=("C3 E3 G3 C4 E4 G4" "G2 B2 D3 G3 B3 G4" "A2 E3 A3 C4 E4 A4" "F2 C3 F3 A3 C4 F4"
        "D3 A3 D4 F4 A4 D5" "E2 B2 E3 G3 B3 E4")
bar() {  # bar OUT SECONDS_PER_CHORD CHANNELS CHORD_INDEX...
  local o=$1 s=$2 ch=$3 parts=() c notes=() remix
  shift 3
  if ((ch == 1)); then remix=(remix -); else remix=(remix "1,3,5" "2,4,6"); fi
  for c in "$@"; do
    read -ra notes <<<"${chords[c]}"
    sox -R -n -r 48000 "$o.$c.wav" synth "$s" pl "${notes[0]}" pl "${notes[1]}" pl "${notes[2]}" \
      pl "${notes[3]}" pl "${notes[4]}" pl "${notes[5]}" delay 0 .04 .08 .12 .16 .2 "${remix[@]}" \
      fade 0 "$s" 0.05 gain -n -3
    parts+=("$o.$c.wav")
  done
  sox -R "${parts[@]}" "$o"
  rm -f "${parts[@]}"
}
# name seconds-per-chord channels repeats target format rate chords...
music=(
  "music-1 2.0 2 4 -14 flac 44100 0 1 2 3"
  "music-2 1.5 1 8 -30 ogg 44100 2 3 0 1"
  "music-3 2.5 2 4 -20 mp3-vbr 48000 4 1 5 0"
  "music-4 1.75 2 8 -11 wav 48000 0 3 4 1"
  "music-5 3.0 1 2 -25 opus 48000 5 2 3 1"
  "music-6 2.0 2 5 -17 ogg 22050 1 0 3 2"
)
music_job() {
  local name s ch reps target fmt rate idx
  read -r name s ch reps target fmt rate idx <<<"$1"
  read -ra idx <<<"$idx"
  bar "$tmp/$name.bar.wav" "$s" "$ch" "${idx[@]}"
  local len; len=$(awk -v s="$s" -v r="$reps" 'BEGIN{print s * 4 * r}')
  sox -R "$tmp/$name.bar.wav" "$tmp/$name.wav" repeat $((reps - 1)) fade t 1 "$len" 3
  finish "$tmp/$name.wav" "$name" "$fmt" "$rate" "$ch" "$target"
  rm -f "$tmp/$name.bar.wav" "$tmp/$name.wav"
}
pids=()
for m in "${music[@]}"; do music_job "$m" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p"; done

# ---------------------------------------------------------------------------------------------
# One hour: a five-minute segment (a chord loop, four announcements spoken over it with pauses,
# pink noise at -40 dB as the room) looped twelve times; MP3 44.1 kHz stereo and FLAC 48 kHz mono.
echo "make_corpus: one hour (MP3 and FLAC)"
bar "$tmp/hour.bar.wav" 2.0 2 0 2 3 1
sox -R "$tmp/hour.bar.wav" "$tmp/hour.bed.wav" repeat 37 trim 0 300 gain -12
speech_parts=()
for k in 0 2 5 8; do
  espeak-ng -v vi -s 150 -w "$tmp/hour.s$k.raw.wav" "${vi_text[k]} ${vi_text[(k + 1) % 10]}"
  sox -R "$tmp/hour.s$k.raw.wav" -r 48000 -c 2 "$tmp/hour.s$k.wav" norm -3 pad 20 25 rate -v 48000
  speech_parts+=("$tmp/hour.s$k.wav")
done
sox -R "${speech_parts[@]}" "$tmp/hour.speech.wav"
sox -R -n -r 48000 -c 2 "$tmp/hour.noise.wav" synth 300 pinknoise gain -40
sox -R -m "$tmp/hour.bed.wav" "$tmp/hour.speech.wav" "$tmp/hour.noise.wav" -b 16 "$tmp/hour.seg.wav" \
  trim 0 300 gain -n -1 fade t 2 300 2
"${ff[@]}" -stream_loop 11 -i "$tmp/hour.seg.wav" "${bitexact[@]}" -ar 44100 -c:a libmp3lame -b:a 128k "$out/ok/hour.mp3" & a=$!
"${ff[@]}" -stream_loop 11 -i "$tmp/hour.seg.wav" "${bitexact[@]}" -ac 1 -c:a flac "$out/ok/hour.flac" & b=$!
wait "$a"; wait "$b"

# ---------------------------------------------------------------------------------------------
# Long recordings, as a station receives them: a meeting in the commune hall (20 min, MP3 44.1 kHz
# stereo CBR 128k, tagged, with album art), the district's bulletin (15 min, MP3 22.05 kHz mono
# VBR, tagged, with album art) and a phone's recording (12 min, AAC in M4A, 48 kHz mono 64k, moov at
# the end), each from the five-minute segment at its own level.
echo "make_corpus: long recordings (MP3 and M4A)"
long_in() {  # long_in MINUTES: the segment looped to last at least that long (cut by -t)
  echo "-stream_loop $((($1 + 4) / 5 - 1)) -i $tmp/hour.seg.wav"
}
tags=(-id3v2_version 3 -metadata artist="Đài Truyền thanh huyện" -metadata date=2026
      -metadata:s:v title="Album cover" -metadata:s:v comment="Cover (front)")
# shellcheck disable=SC2046
"${ff[@]}" $(long_in 20) -i "$tmp/cover.jpg" -map 0:a -map 1:v "${bitexact[@]}" -flags:v +bitexact \
  -t 1200 -af volume=-9dB -ar 44100 -c:a libmp3lame -b:a 128k -c:v copy -disposition:v attached_pic \
  "${tags[@]}" -metadata title="Họp dân ấp 1" "$out/ok/long-meeting.mp3" & a=$!
# shellcheck disable=SC2046
"${ff[@]}" $(long_in 15) -i "$tmp/cover.jpg" -map 0:a -map 1:v "${bitexact[@]}" -flags:v +bitexact \
  -t 900 -af volume=-3dB -ar 22050 -ac 1 -c:a libmp3lame -q:a 6 -c:v copy -disposition:v attached_pic \
  "${tags[@]}" -metadata title="Bản tin huyện" "$out/ok/long-district.mp3" & b=$!
wait "$a"; wait "$b"
# shellcheck disable=SC2046
"${ff[@]}" $(long_in 12) "${bitexact[@]}" -t 720 -af volume=-14dB -ac 1 -c:a aac -b:a 64k \
  "$out/ok/long-phone.m4a"

# ---------------------------------------------------------------------------------------------
# Broken: cut in half, empty, not audio.
echo "make_corpus: broken"
half() {  # half SRC DST
  head -c $(($(stat -c %s "$1") / 2)) "$1" >"$2"
}
first_of() { find "$out/ok" -name "speech-*.$1" | sort | head -1; }
half "$(first_of mp3)" "$out/broken/truncated.mp3"
half "$(first_of flac)" "$out/broken/truncated.flac"
half "$(first_of wav)" "$out/broken/truncated.wav"
half "$(first_of ogg)" "$out/broken/truncated.ogg"
half "$(first_of m4a)" "$out/broken/truncated.m4a"
half "$out/ok/long-district.mp3" "$out/broken/truncated-tagged.mp3"
: >"$out/broken/empty.wav"
: >"$out/broken/empty.mp3"
printf '%s\n' "This is not audio: the minutes of the commune meeting." "Biên bản họp xã." >"$out/broken/notes.mp3"
LC_ALL=C awk 'BEGIN{srand(1); for (i = 0; i < 65536; i++) printf "%c", int(rand() * 256)}' >"$out/broken/noise-bytes.wav"
LC_ALL=C awk 'BEGIN{srand(2); for (i = 0; i < 65536; i++) printf "%c", int(rand() * 256)}' >"$out/broken/noise-bytes.m4a"

# ---------------------------------------------------------------------------------------------
echo "make_corpus: manifest"
{
  printf 'file\tformat\trate\tchannels\tseconds\n'
  for f in "$out"/ok/* "$out"/broken/*; do
    rel=${f#"$out"/}
    info=$(ffprobe -v error -show_entries stream=codec_name,sample_rate,channels:format=duration \
      -of default=nw=1 "$f" 2>/dev/null || true)
    codec=$(sed -n 's/^codec_name=//p' <<<"$info" | head -1)
    if [ "${rel%%/*}" = broken ] || [ -z "$codec" ]; then
      printf '%s\t%s\t-\t-\t-\n' "$rel" "broken-${f##*.}"
      continue
    fi
    case "$codec" in pcm_*) fmt=wav ;; vorbis) fmt=ogg-vorbis ;; *) fmt=$codec ;; esac
    printf '%s\t%s\t%s\t%s\t%.3f\n' "$rel" "$fmt" "$(sed -n 's/^sample_rate=//p' <<<"$info" | head -1)" \
      "$(sed -n 's/^channels=//p' <<<"$info" | head -1)" "$(sed -n 's/^duration=//p' <<<"$info" | head -1)"
  done
} >"$out/manifest.tsv"

rm -rf "$tmp"
echo "$stamp" >"$out/.done"
awk -F'\t' 'NR > 1 && $1 ~ /^ok\// {n++; s += $5} NR > 1 && $1 ~ /^broken\// {b++}
  END {printf "make_corpus: %d clips (%.2f h of audio) in %s/ok, %d broken files in %s/broken\n", n, s / 3600, dir, b, dir}' \
  dir="$out" "$out/manifest.tsv"
