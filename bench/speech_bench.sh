#!/usr/bin/env bash
# Text to speech (docs/speech.md): how long a 300-word Vietnamese notice takes to become a clip,
# and what a cached one costs at check time. Each run, alternately:
#   check_cold    loa check of a station whose one slot says the notice, state/speech emptied
#                 first: reading, espeak-ng synthesis, the WAV written, then probed as a clip
#   check_cached  the same check again: the clip is found in state/speech
#   check_clip    the same station with the spoken WAV as an ordinary clip instead of say:
#                 (the cost of any clip: what "cached costs nothing" is measured against)
#   say_out       loa say --out of the notice, state/speech emptied first
# Prints medians and min..max of wall time, the clip's length and the speed against real time.
# Usage: bench/speech_bench.sh [RUNS]   (default 5). LOA=path/to/loa uses that binary instead of
# building the release preset.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
loa=${LOA:-}
if [ -z "$loa" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release -j2 --target loa >/dev/null
  loa=build/release/app/loa
fi
loa=$(realpath "$loa")
export LC_NUMERIC=C
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/clips"

# 300 words, with the dates, times, numbers and phone numbers a real notice has.
notice="Thông báo của Ủy ban nhân dân xã về việc tạm ngừng cung cấp điện. Để phục vụ công tác sửa chữa và bảo dưỡng lưới điện, Điện lực huyện thông báo tạm ngừng cung cấp điện vào ngày 17/12/2026, từ 7h30 đến 17:00, tại các ấp 1, ấp 2, ấp 3 và khu vực chợ xã. Đề nghị bà con chủ động sắp xếp công việc sản xuất, kinh doanh và sinh hoạt trong thời gian mất điện. Các hộ gia đình sử dụng máy bơm nước, tủ lạnh và các thiết bị điện khác cần ngắt điện trước giờ cắt điện để bảo đảm an toàn. Trường hợp cần hỗ trợ, xin liên hệ số điện thoại 0912 345 678 hoặc đến trụ sở UBND xã trong giờ hành chính. Nhân dịp này, Ủy ban nhân dân xã cũng nhắc nhở bà con thực hiện tốt công tác phòng cháy chữa cháy trong mùa khô. Không đốt rơm rạ, rác thải gần nhà ở và kho chứa hàng. Khi phát hiện cháy, phải báo ngay cho lực lượng công an xã hoặc gọi số 114. Về công tác tiêm chủng, trạm y tế xã tổ chức tiêm vắc xin cho trẻ em dưới 5 tuổi vào ngày 20/12/2026, từ 7 giờ đến 11 giờ, tại hội trường ấp 2. Phụ huynh nhớ mang theo sổ tiêm chủng và thẻ bảo hiểm y tế của trẻ. Năm nay, xã đã có 1.250 trẻ được tiêm đủ mũi, đạt 95% kế hoạch. Ủy ban nhân dân xã đề nghị các trưởng ấp, chi hội trưởng các đoàn thể tuyên truyền sâu rộng nội dung thông báo này đến từng hộ gia đình. Mọi thắc mắc xin liên hệ văn phòng Ủy ban nhân dân xã, số điện thoại 0283 823 4567. Xin cảm ơn bà con đã lắng nghe. Thông báo này sẽ được phát lại vào lúc 17 giờ chiều nay."
words=$(wc -w <<<"$notice")
station() {  # $1: the play item
  cat <<YAML
station: {name: Bench, timezone: Asia/Ho_Chi_Minh, clips: clips/, state: state/}
audio: {chime: none, output: "null"}
zones: [{id: ap-1, name: Ấp 1, channel: 1}]
programmes:
  - id: thong-bao
    slots: [{at: "06:00", play: [$1]}]
YAML
}
station "{say: \"$notice\"}" >"$work/say.yaml"
station "notice.wav" >"$work/clip.yaml"

now() { date +%s.%N; }
timed() {  # $1: name; the rest: the command. Appends the seconds to $work/$1.
  local name=$1 t0 t1
  shift
  t0=$(now)
  "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  t1=$(now)
  echo "$t1 - $t0" | bc -l >>"$work/$name"
}
cd "$work"
"$loa" check --config say.yaml >/dev/null 2>&1
cp state/speech/*.wav clips/notice.wav
"$loa" check --config clip.yaml >/dev/null 2>&1
for _ in $(seq "$runs"); do
  rm -rf state/speech
  timed check_cold "$loa" check --config say.yaml
  timed check_cached "$loa" check --config say.yaml
  timed check_clip "$loa" check --config clip.yaml
  rm -rf state/speech
  timed say_out "$loa" say --config say.yaml "$notice" --out out.wav
done
length=$(soxi -D clips/notice.wav 2>/dev/null || python3 -c "import wave;w=wave.open('clips/notice.wav');print(w.getnframes()/w.getframerate())")
echo "speech_bench: a ${words}-word notice, ${length%.*}s of speech; $runs runs; load $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-14s %9s %19s\n" what median_s "min..max_s"
for name in check_cold check_cached check_clip say_out; do
  sort -n "$name" | awk -v n="$name" '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2;
    printf "%-14s %9.3f %9.3f..%-9.3f\n", n, m, v[1], v[NR]}'
done
cold=$(sort -n check_cold | awk '{v[NR]=$1} END {print NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
cached=$(sort -n check_cached | awk '{v[NR]=$1} END {print NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
clip=$(sort -n check_clip | awk '{v[NR]=$1} END {print NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
printf "synthesis (check_cold - check_cached): %.3f s, %.0fx real time; a cached say costs %+.3f s against a plain clip\n" \
  "$(echo "$cold - $cached" | bc -l)" "$(echo "$length / ($cold - $cached)" | bc -l)" "$(echo "$cached - $clip" | bc -l)"
