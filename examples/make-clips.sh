#!/usr/bin/env bash
# Makes every clip the example station uses, into examples/clips/, from Vietnamese text with
# espeak-ng and tones with sox. Safe to run again: a clip that exists and is newer than this script
# is kept. Needs: espeak-ng, sox (Debian 12: apt-get install espeak-ng sox).
#
# The formats are mixed on purpose (WAV 22.05 kHz mono, WAV 44.1 kHz stereo, FLAC, Ogg Vorbis), so
# the example exercises what loa reads. No MP3: Debian's sox cannot write it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
script="$here/$(basename "${BASH_SOURCE[0]}")"
out="$here/clips"
voice="vi"   # espeak-ng voice; vi-vn-x-south suits the Mekong delta better, if you prefer
speed=145    # words per minute; a little slower than espeak's default carries better outdoors

for tool in espeak-ng sox soxi; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "make-clips: '$tool' not found; install it: sudo apt-get install espeak-ng sox" >&2
    exit 1
  fi
done

mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

made=0
kept=0

# Is the clip there and newer than this script?
fresh() { [[ -s "$out/$1" && "$out/$1" -nt "$script" ]]; }

report() {
  local name="$1"
  printf 'made clips/%s (%s Hz, %s ch, %.1f s)\n' "$name" \
    "$(soxi -r "$out/$name")" "$(soxi -c "$out/$name")" "$(soxi -D "$out/$name")"
  made=$((made + 1))
}

# speak NAME FORMAT TEXT
#   FORMAT: wav22 (WAV 22.05 kHz mono, espeak's own), wav44 (WAV 44.1 kHz stereo), flac, ogg
speak() {
  local name="$1" format="$2" text="$3"
  if fresh "$name"; then
    kept=$((kept + 1))
    return
  fi
  local raw="$work/speech.wav"
  espeak-ng -v "$voice" -s "$speed" -b 1 -w "$raw" "$text"
  # Half a second of air before and after; peaks at -1 dBFS (loa evens out loudness itself).
  local shape=(pad 0.5 0.5 norm -1)
  local tmp="$work/$name"
  case "$format" in
    wav22) sox "$raw" -b 16 "$tmp" "${shape[@]}" ;;
    wav44) sox "$raw" -b 16 -r 44100 -c 2 "$tmp" "${shape[@]}" ;;
    flac) sox "$raw" -r 44100 "$tmp" "${shape[@]}" ;;
    ogg) sox "$raw" -r 44100 -C 5 "$tmp" "${shape[@]}" ;;
    *) echo "make-clips: unknown format $format" >&2; exit 1 ;;
  esac
  mv "$tmp" "$out/$name"
  report "$name"
}

# tone NAME: the flood warning's own chime, a two-tone alert (hi-lo four times, about 2 s).
alert_chime() {
  local name="$1"
  if fresh "$name"; then
    kept=$((kept + 1))
    return
  fi
  sox -n -r 44100 -c 1 -b 16 "$work/hi.wav" synth 0.25 sine 988 sine 1976 remix - fade q 0.01 0.25 0.02
  sox -n -r 44100 -c 1 -b 16 "$work/lo.wav" synth 0.25 sine 740 sine 1480 remix - fade q 0.01 0.25 0.02
  sox "$work/hi.wav" "$work/lo.wav" "$work/hi.wav" "$work/lo.wav" \
    "$work/hi.wav" "$work/lo.wav" "$work/hi.wav" "$work/lo.wav" \
    "$work/$name" fade t 0.05 0 0.3 norm -3
  mv "$work/$name" "$out/$name"
  report "$name"
}

# music NAME CHORD... : a soft strummed-guitar filler, 4 s a chord, with fades.
# Each CHORD is a space-separated list of notes, e.g. "C3 E3 G3 C4 E4".
music() {
  local name="$1"
  shift
  if fresh "$name"; then
    kept=$((kept + 1))
    return
  fi
  local parts=() i=0 chord note
  for chord in "$@"; do
    local tones=()
    for note in $chord; do tones+=(pluck "$note"); done
    sox -n -r 44100 -c 1 -b 16 "$work/chord$i.wav" synth 4 "${tones[@]}" \
      delay 0 .04 .08 .12 .16 .2 remix - fade 0 4 .1
    parts+=("$work/chord$i.wav")
    i=$((i + 1))
  done
  sox "${parts[@]}" -c 2 "$work/$name" fade t 0.5 0 2 reverb 30 norm -3
  mv "$work/$name" "$out/$name"
  report "$name"
}

# --- The daily sessions (programmes/sessions.yaml) -------------------------------------------------

speak mo-dau-sang.wav wav22 \
  "Đài truyền thanh xã Mỹ An Hưng A xin kính chào quý vị và các bạn. Sau đây là chương trình phát thanh buổi sáng. Mời quý vị cùng nghe bản tin của xã."

speak mo-dau-chieu.wav wav44 \
  "Đài truyền thanh xã Mỹ An Hưng A xin kính chào quý vị và các bạn. Mời quý vị theo dõi chương trình phát thanh buổi chiều hôm nay."

speak ket-thuc.ogg ogg \
  "Chương trình phát thanh của Đài truyền thanh xã Mỹ An Hưng A đến đây là kết thúc. Cảm ơn quý vị đã chú ý lắng nghe. Xin chào và hẹn gặp lại."

speak tin-nong-nghiep.flac flac \
  "Bản tin nông nghiệp. Vụ lúa Đông Xuân năm nay, bà con nên xuống giống tập trung, né rầy, theo đúng lịch thời vụ của xã. Bà con thường xuyên thăm đồng, khi phát hiện rầy nâu hoặc bệnh đạo ôn thì báo ngay cho cán bộ khuyến nông để được hướng dẫn phòng trừ kịp thời."

speak tin-an-toan-giao-thong.wav wav44 \
  "Bản tin an toàn giao thông. Đề nghị phụ huynh không giao xe máy cho con em chưa đủ tuổi điều khiển. Khi tham gia giao thông, bà con đội mũ bảo hiểm đúng quy cách, đã uống rượu bia thì không lái xe, và giảm tốc độ khi đi qua trường học và khu chợ."

speak tin-sot-xuat-huyet.ogg ogg \
  "Bản tin y tế. Mùa mưa là thời điểm dịch sốt xuất huyết dễ bùng phát. Đề nghị các hộ gia đình đậy kín dụng cụ chứa nước, thu gom vật dụng phế thải quanh nhà, ngủ mùng kể cả ban ngày. Khi có người sốt cao, hãy đưa đến trạm y tế xã để được khám và điều trị kịp thời."

# --- The awareness campaign (programmes/campaign-social-media.yaml) --------------------------------

speak mxh-gioi-thieu.wav wav22 \
  "Thực hiện Công văn số 956 của Huyện ủy, Đài truyền thanh xã xin thông tin đến quý phụ huynh và các em học sinh về các trào lưu độc hại đang lan truyền trên mạng xã hội."

speak mxh-thu-thach-nguy-hiem.ogg ogg \
  "Gần đây trên mạng xã hội xuất hiện nhiều thử thách nguy hiểm như nín thở, nhảy từ trên cao, tự gây thương tích để quay video câu lượt xem. Đề nghị phụ huynh quan tâm, trò chuyện với con em. Các em tuyệt đối không làm theo những thử thách này."

speak mxh-thuoc-la-dien-tu.flac flac \
  "Thuốc lá điện tử đang được quảng cáo tràn lan trên mạng, nhắm vào giới trẻ. Nhiều loại bị trộn chất ma túy, gây ảo giác và ngộ độc. Các em học sinh tuyệt đối không thử, không mua bán, và hãy báo cho thầy cô, cha mẹ khi bị rủ rê."

speak mxh-lua-dao-viec-lam.wav wav44 \
  "Cảnh giác với các bài đăng tuyển cộng tác viên việc nhẹ lương cao, làm nhiệm vụ nhận hoa hồng trên mạng. Đây là thủ đoạn lừa đảo chiếm đoạt tài sản. Không chuyển tiền, không cung cấp số tài khoản và mã xác thực cho người lạ."

speak mxh-tin-gia.ogg ogg \
  "Không chia sẻ tin giả, tin chưa được kiểm chứng, không bình luận xúc phạm người khác trên mạng xã hội. Khi phát hiện thông tin xấu độc, hãy báo cho công an xã hoặc Đoàn thanh niên để được hỗ trợ."

# --- Notices (programmes/notices.yaml) ------------------------------------------------------------

speak tiem-chung-thang-12.wav wav22 \
  "Thông báo của Trạm y tế xã. Thứ Bảy, ngày 5 tháng 12 năm 2026, Trạm y tế xã tổ chức tiêm chủng mở rộng cho trẻ em dưới một tuổi và tiêm nhắc cho trẻ 18 tháng tuổi. Đề nghị phụ huynh mang theo sổ tiêm chủng và đưa trẻ đến trạm từ 7 giờ sáng."

speak cat-dien-dinh-ky.flac flac \
  "Thông báo của Điện lực. Để bảo trì lưới điện, ngày mùng 8 hằng tháng sẽ tạm ngừng cung cấp điện từ 7 giờ đến 11 giờ sáng tại Ấp 1 và Ấp 2. Đề nghị bà con chủ động sắp xếp công việc và sinh hoạt."

# --- Emergency (programmes/emergency.yaml) --------------------------------------------------------

alert_chime chuong-bao-dong.wav

speak canh-bao-lu.wav wav44 \
  "Khẩn cấp! Khẩn cấp! Ban Chỉ huy phòng chống thiên tai xã thông báo: mực nước trên sông đang lên nhanh, đỉnh triều cường đêm nay dự báo vượt mức báo động ba. Đề nghị bà con ven sông gia cố bờ bao, kê cao tài sản, đưa người già và trẻ em đến nơi an toàn. Không cho trẻ em tắm sông."

# --- Weekend music at the market (programmes/music.yaml) ------------------------------------------

music nhac-nen-1.flac "C3 G3 C4 E4 G4 C5" "A2 E3 A3 C4 E4 A4" "F2 C3 F3 A3 C4 F4" "G2 D3 G3 B3 D4 G4" "C3 G3 C4 E4 G4 C5"
music nhac-nen-2.ogg "D3 A3 D4 F#4 A4 D5" "B2 F#3 B3 D4 F#4 B4" "G2 D3 G3 B3 D4 G4" "A2 E3 A3 C#4 E4 A4" "D3 A3 D4 F#4 A4 D5"

if [[ $made -eq 0 ]]; then
  echo "make-clips: all $kept clips are up to date in $out"
fi
