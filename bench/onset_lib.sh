# shellcheck shell=bash
# shellcheck disable=SC2154  # work, onset, n and lead are the caller's (below)
# What the benchmarks that listen on the JACK server share (bench/start_time_bench.sh,
# relay_start_bench.sh, relay_fallback_bench.sh): starting the JACK dummy server when none runs,
# recording a client's output with bench/jack_onset, and turning the onsets heard into errors
# against the scheduled times. Sourced (bash), after `set -euo pipefail` and `cd` to the repository.
#
# The caller sets, before calling the functions:
#   work    the folder the files go to (NAME.times, NAME.onsets, NAME.log, NAME.errors ...)
#   onset   the jack_onset binary
#   n, lead for schedule: how many instants, and how far ahead the first one is (seconds)
# and may add process ids to `pids`: all are killed at exit.
#
# onset_jack_start        starts the dummy server unless one answers (stopped again at exit); sets
#                         `rate` and `period` to the server's sample rate and period
# schedule NAME [STEP]    N whole-second UTC instants from $lead s ahead into $work/NAME.times
#                         (epoch seconds): STEP s apart, or 2 and 3 s apart alternately
# record NAME CLIENT CMD...  runs jack_onset on CLIENT's output and CMD beside it until 3 s after
#                         the last time in $work/NAME.times; onsets into $work/NAME.onsets
# heard_epochs FILE       the onsets of a jack_onset output FILE as epoch seconds, one a line
# errors NAME             "scheduled_epoch error_ms" per scheduled time (the onset nearest it,
#                         within 1 s), "scheduled_epoch missing" where nothing was heard
# summary NAME LABEL      one line of figures over $work/NAME.errors, with the JACK xruns seen
# onset_header NAME       two lines: the machine and JACK's set-up, the JACK clock jack_onset found

pids=()
started_jack=0
onset_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ "$started_jack" = 1 ]; then scripts/jack-dummy.sh stop; fi
}
trap onset_cleanup EXIT

onset_jack_start() {
  if ! scripts/jack-dummy.sh status >/dev/null 2>&1; then
    scripts/jack-dummy.sh start
    started_jack=1
  fi
  rate=$(jack_samplerate)
  period=$(jack_bufsize)
}

# Daily slots: a schedule running past midnight still works.
schedule() {
  local t=$(($(date -u +%s) + lead)) i step=${2:-}
  : >"$work/$1.times"
  for ((i = 0; i < n; i++)); do
    echo "$t" >>"$work/$1.times"
    t=$((t + ${step:-2 + i % 2}))
  done
}

record() {
  local name=$1 client=$2
  shift 2
  local last
  last=$(tail -1 "$work/$name.times")
  "$onset" --client "$client" >"$work/$name.onsets" 2>&1 &
  local rec=$!
  pids+=("$rec")
  "$@" >"$work/$name.log" 2>&1 &
  local run=$!
  pids+=("$run")
  while [ "$(date -u +%s)" -le $((last + 3)) ]; do
    kill -0 "$run" 2>/dev/null || { echo "$(basename "$0" .sh): $name stopped early; its log:" >&2; cat "$work/$name.log" >&2; exit 1; }
    sleep 0.5
  done
  kill -TERM "$run" "$rec"
  wait "$run" "$rec" || true
}

heard_epochs() {
  grep -v '^#' "$1" | while read -r iso _; do
    date -u -d "$iso" +%s.%N
  done
}

errors() {
  local heard="$work/$1.heard"
  heard_epochs "$work/$1.onsets" >"$heard"
  awk -v heard="$heard" '
    BEGIN { while ((getline h < heard) > 0) on[++k] = h }
    {
      best = ""
      for (i = 1; i <= k; i++) {
        d = on[i] - $1
        if (d > -1 && d < 1 && (best == "" || (d < 0 ? -d : d) < (best < 0 ? -best : best))) best = d
      }
      if (best == "") print $1, "missing"; else printf "%d %.3f\n", $1, best * 1000
    }' "$work/$1.times"
}

summary() {
  local xruns
  xruns=$(sed -n 's/^# xrun: \([0-9]*\) in all.*/\1/p' "$work/$1.onsets" | tail -1)
  awk -v label="$2" -v xruns="${xruns:-0}" '
    $2 == "missing" { missing++; next }
    { e[++n] = $2; a[n] = ($2 < 0 ? -$2 : $2) }
    function median(x, m,   i, j, t) {
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
      return m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2
    }
    END {
      if (n == 0) { printf "%-16s nothing heard (%d missing)\n", label, missing; exit }
      mn = e[1]; mx = e[1]
      for (i = 1; i <= n; i++) { if (e[i] < mn) mn = e[i]; if (e[i] > mx) mx = e[i] }
      worst = (-mn > mx ? -mn : mx)
      printf "%-16s %3d heard %2d missed  median %8.3f  min %8.3f  max %8.3f  median |e| %7.3f  worst |e| %7.3f  (JACK xruns: %d)\n",
        label, n, missing, median(e, n), mn, mx, median(a, n), worst, xruns
    }' "$work/$1.errors"
}

onset_header() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); JACK $rate Hz, $period-frame periods;" \
    "heard = $(sed -n 's/^# heard = //p' "$work/$1.onsets")"
  sed -n 's/^# \(JACK clock.*\); to UTC.*/\1/p' "$work/$1.onsets"
}
