#!/usr/bin/env bash
# A JACK server with the dummy driver (no sound card needed; it keeps time like one), for the audio
# tests (jack_path_tests, play_tests) on machines and in CI without sound.
# Usage: scripts/jack-dummy.sh start|stop|status
#   start   starts jackd (48 kHz, 256-frame periods; JACK_PERIOD=N for N-frame periods) in the
#           background unless a server is running; logs to build/jackd.log; waits until it
#           answers (10 s at most)
#   stop    stops the jackd that `start` started (and only that one)
#   status  says whether a JACK server answers (exit 0) or not (exit 1)
set -euo pipefail
cd "$(dirname "$0")/.."

log=build/jackd.log
pidfile=build/jackd.pid
# No D-Bus device reservation (there is no session bus here), and never let a client start a
# server behind our back.
export JACK_NO_AUDIO_RESERVATION=1 JACK_NO_START_SERVER=1

running() { jack_lsp >/dev/null 2>&1; }

case "${1:-}" in
  start)
    if running; then
      echo "jack-dummy: a JACK server is already running; using it"
      exit 0
    fi
    command -v jackd >/dev/null || { echo "jack-dummy: jackd not found (apt-get install jackd2)" >&2; exit 1; }
    mkdir -p build
    # -R: real-time scheduling if the system allows it (falls back with a warning otherwise).
    nohup jackd -R -d dummy -r 48000 -p "${JACK_PERIOD:-256}" >"$log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    for _ in $(seq 100); do
      running && break
      kill -0 "$(cat "$pidfile")" 2>/dev/null || break
      sleep 0.1
    done
    if ! running; then
      echo "jack-dummy: jackd did not start within 10 s; its log ($log):" >&2
      cat "$log" >&2
      rm -f "$pidfile"
      exit 1
    fi
    # JACK prints this when it could not get real-time scheduling and runs without it.
    if grep -q "AcquireSelfRealTime error" "$log"; then
      echo "jack-dummy: warning: jackd runs without real-time scheduling (audio may glitch under load)"
    fi
    echo "jack-dummy: jackd $(cat "$pidfile") running (dummy driver, 48000 Hz, 256 frames); log in $log"
    ;;
  stop)
    [ -f "$pidfile" ] || exit 0
    pid=$(cat "$pidfile")
    rm -f "$pidfile"
    # Only if that process is still the jackd we started.
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = jackd ]; then
      kill "$pid"
      for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      echo "jack-dummy: jackd $pid stopped"
    fi
    ;;
  status)
    if running; then echo "jack-dummy: a JACK server is running"; else echo "jack-dummy: no JACK server"; exit 1; fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
