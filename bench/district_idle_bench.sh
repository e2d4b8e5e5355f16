#!/usr/bin/env bash
# Idle traffic of a station on the district link (issue 13: goal under 1 KB a minute): `loa run
# --district` against a local Mosquitto with TLS, passwords and the district's ACL, nothing on air
# and nothing to send but the heartbeat and MQTT keep-alives. After a settle (the TLS handshake,
# the subscriptions and the first heartbeat are start-up, not idle), it reads the bytes of loa's
# TCP connection to the broker (ss: TCP payload, so TLS records included, IP/TCP headers not) for
# N minutes, and prints bytes a minute each way, and the heartbeat's own size, into
# bench/out/district_idle.txt.
# Usage: bench/district_idle_bench.sh
#   LOA_IDLE_MINUTES=N   how long it is watched (default 5)
#   BENCH_BUILD=DIR      build and use loa in DIR (default: the release preset)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${LOA_IDLE_MINUTES:-5}
settle=15
export LC_ALL=C
for tool in mosquitto mosquitto_passwd mosquitto_sub openssl ss; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
    { echo "district_idle_bench: needs $tool (scripts/install-deps.sh test)" >&2; exit 2; }
done
if [ -n "${BENCH_BUILD:-}" ]; then
  build=$BENCH_BUILD
else
  cmake --preset release >/dev/null
  build=build/release
fi
cmake --build "$build" --target loa >/dev/null
loa=$(realpath "$build/app/loa")

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The broker, as docs/district.md sets it up (on loopback, a port of its own).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
(
  cd "$work"
  openssl req -x509 $ec -keyout ca.key -out ca.crt -days 2 -subj /CN=bench-ca
  openssl req $ec -keyout server.key -out server.csr -subj /CN=localhost
  echo "subjectAltName=IP:127.0.0.1,DNS:localhost" >server.ext
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
    -extfile server.ext -out server.crt
  printf 'xa-my-an:pw-station\ndistrict-lap-vo:pw-district\n' >passwd
  chmod 600 passwd
  mosquitto_passwd -U passwd
  cat >acl <<ACL
user district-lap-vo
topic read loa/lap-vo/stations/#
topic write loa/lap-vo/campaigns/#
topic write loa/lap-vo/clips/#
topic write loa/lap-vo/receipts/#

pattern read loa/lap-vo/campaigns/#
pattern read loa/lap-vo/clips/#
pattern read loa/lap-vo/receipts/%u
pattern write loa/lap-vo/stations/%u/#
ACL
  mkdir data
  { [ "$(id -u)" = 0 ] && echo "user root"
    cat <<CONF
per_listener_settings false
allow_anonymous false
password_file $work/passwd
acl_file $work/acl
persistence true
persistence_location $work/data/
log_dest none
listener $port 127.0.0.1
cafile $work/ca.crt
certfile $work/server.crt
keyfile $work/server.key
CONF
  } >mosquitto.conf
) >"$work/setup.log" 2>&1
$(command -v mosquitto || echo /usr/sbin/mosquitto) -c "$work/mosquitto.conf" &
pids+=($!)

# A station with its next broadcast hours away.
mkdir -p "$work/station/clips"
cat >"$work/station/station.yaml" <<YAML
station: {timezone: Asia/Ho_Chi_Minh, clips: clips/, state: state/, district: lap-vo}
audio: {sample_rate: 48000, loudness: off, chime: none}
zones: [{id: ap-1, channel: 1}]
programmes:
  - {id: tin-xa, slots: [{at: "03:00", play: [{silence: 1s}]}]}
YAML
printf 'user: xa-my-an\npassword: pw-station\nca: %s\n' "$work/ca.crt" >"$work/station/district.yaml"
chmod 600 "$work/station/district.yaml"
sleep 1
"$loa" run --config "$work/station/station.yaml" --output null --listen off \
  --district "mqtts://127.0.0.1:$port" --district-credentials "$work/station/district.yaml" \
  2>"$work/loa.log" &
loa_pid=$!
pids+=($loa_pid)
sleep "$settle"

# bytes_sent / bytes_received of loa's established connection to the broker.
counters() {
  ss -tinpH state established "( dport = :$port )" | tr -s ' \t' '\n' |
    awk -v pid="pid=$loa_pid," '
      index($0, pid) { mine = 1 }
      /^bytes_sent:/ { split($0, a, ":"); sent = a[2] }
      /^bytes_received:/ { split($0, a, ":"); received = a[2] }
      END { if (!mine) { print "none"; exit } print sent + 0, received + 0 }'
}
before=$(counters)
[ "$before" = none ] && { echo "district_idle_bench: loa is not connected:" >&2; cat "$work/loa.log" >&2; exit 1; }
sleep $((minutes * 60))
after=$(counters)
heartbeat=$(timeout 10 mosquitto_sub -h 127.0.0.1 -p "$port" --cafile "$work/ca.crt" \
  -u district-lap-vo -P pw-district -t 'loa/lap-vo/stations/xa-my-an/health' -C 1 | wc -c)

mkdir -p bench/out
read -r s0 r0 <<<"$before"
read -r s1 r1 <<<"$after"
{
  echo "district idle traffic: loa run --district over TLS to a local Mosquitto, $minutes min after a ${settle} s settle"
  echo "  up (station -> broker):   $(( (s1 - s0) / minutes )) bytes/min"
  echo "  down (broker -> station): $(( (r1 - r0) / minutes )) bytes/min"
  echo "  both ways:                $(( (s1 - s0 + r1 - r0) / minutes )) bytes/min (goal: under 1024)"
  echo "  heartbeat payload:        $((heartbeat - 1)) bytes (JSON, retained, every 60 s)"
} | tee bench/out/district_idle.txt
