# shellcheck shell=bash
# A real Icecast2 on loopback fed by ffmpeg in real time, for the relay benchmarks
# (bench/relay_cost_bench.sh, relay_start_bench.sh, relay_fallback_bench.sh). Sourced (bash),
# after `set -euo pipefail`; the caller's `pids` array collects the processes started, for the
# caller to kill at exit.
#
# icecast_start DIR        starts icecast2 on a free loopback port, its configuration and logs in
#                          DIR (made writable by all: icecast2 refuses to run as root, so as root
#                          it runs as nobody); sets `icecast_port`
# icecast_feed MOUNT LOG INPUT...   starts ffmpeg in real time (-re, which applies to the first
#                          input) sending INPUT (ffmpeg's input and filter arguments) to the mount
#                          as an MP3 at 128 kb/s, its messages into LOG; sets `feed_pid`
# icecast_kill_feed        kills that ffmpeg at once (SIGKILL: the source dies as a crashed
#                          encoder or a cut line does; Icecast drops the mount and its listeners)
# icecast_wait_live URL    waits (10 s at most) until the mount answers 200; exits 1 if it never does

icecast_start() {
  local dir=$1
  chmod 777 "$dir"
  # A free loopback port: the kernel's choice for a socket bound to port 0.
  icecast_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat >"$dir/icecast.xml" <<EOF
<icecast>
  <limits><clients>20</clients><sources>2</sources><source-timeout>10</source-timeout></limits>
  <authentication><source-password>nguon-thu</source-password><admin-user>admin</admin-user>
    <admin-password>nguon-thu-admin</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>$icecast_port</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>0</fileserve>
  <paths><basedir>$dir</basedir><logdir>$dir</logdir><pidfile>$dir/icecast.pid</pidfile>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot></paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel></logging>
  <security><chroot>0</chroot></security>
</icecast>
EOF
  local as_nobody=()
  [ "$(id -u)" = 0 ] && as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  "${as_nobody[@]}" icecast2 -c "$dir/icecast.xml" >"$dir/icecast.out" 2>&1 &
  pids+=($!)
}

icecast_feed() {
  local mount=$1 log=$2
  shift 2
  ffmpeg -nostdin -loglevel error -re "$@" \
    -c:a libmp3lame -b:a 128k -content_type audio/mpeg -f mp3 \
    "icecast://source:nguon-thu@127.0.0.1:$icecast_port/$mount" >"$log" 2>&1 &
  feed_pid=$!
  pids+=("$feed_pid")
}

icecast_kill_feed() {
  kill -9 "$feed_pid" 2>/dev/null || true
  wait "$feed_pid" 2>/dev/null || true
  local kept=() p
  for p in "${pids[@]}"; do [ "$p" = "$feed_pid" ] || kept+=("$p"); done
  pids=("${kept[@]}")
}

icecast_wait_live() {
  local code=
  for _ in $(seq 1 50); do
    # A live mount never ends: curl stops after 0.5 s, and says what the server answered.
    code=$(curl -s -o /dev/null -m 0.5 -w '%{http_code}' "$1" 2>/dev/null || true)
    [ "$code" = 200 ] && return 0
    sleep 0.2
  done
  echo "$(basename "$0" .sh): the mount $1 never went live (HTTP $code)" >&2
  exit 1
}
