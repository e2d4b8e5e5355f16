# shellcheck shell=bash
# What a running process has cost so far, from /proc: sourced by bench/idle_bench.sh and
# bench/run_memory_bench.sh (bash).
#
# proc_stats PID prints one line: "TICKS CPU_NS SWITCHES HWM_KB RSS_KB PRIVATE_KB"
#   TICKS       utime + stime of the whole process (/proc/PID/stat; clock ticks, see getconf CLK_TCK),
#               exited threads included
#   CPU_NS      time on a CPU of its live threads (/proc/PID/task/*/schedstat; nanoseconds)
#   SWITCHES    voluntary + nonvoluntary context switches of its live threads
#               (/proc/PID/task/*/status): how often it woke up, or was put to sleep
#   HWM_KB      VmHWM, its peak resident memory so far; RSS_KB, VmRSS now
#   PRIVATE_KB  Private_Clean + Private_Dirty (/proc/PID/smaps_rollup): its own resident memory,
#               without the shared libraries and shared memory (JACK's) that RSS also counts
proc_stats() {
  local pid=$1 ticks ns=0 sw=0 t a b c
  ticks=$(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')
  for t in /proc/"$pid"/task/*; do
    read -r a _ <"$t/schedstat" 2>/dev/null || continue
    ns=$((ns + a))
    b=$(awk '/^voluntary_ctxt_switches|^nonvoluntary_ctxt_switches/ {s += $2} END {print s + 0}' "$t/status" 2>/dev/null || echo 0)
    sw=$((sw + b))
  done
  c=$(awk '/^VmHWM/ {h = $2} /^VmRSS/ {r = $2} END {print h, r}' "/proc/$pid/status")
  local priv
  priv=$(awk '/^Private_(Clean|Dirty)/ {s += $2} END {print s + 0}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
  echo "$ticks $ns $sw $c $priv"
}

# proc_delta BEFORE AFTER SECONDS: from two proc_stats lines taken SECONDS apart, prints
# "CPU_S CPU_PCT SWITCHES SWITCHES_PER_S HWM_MB RSS_MB PRIVATE_MB" (CPU from utime + stime; the
# memory figures of AFTER).
proc_delta() {
  local hz
  hz=$(getconf CLK_TCK)
  awk -v hz="$hz" -v s="$3" -v before="$1" -v after="$2" 'BEGIN {
    split(before, b, " "); split(after, a, " ")
    cpu = (a[1] - b[1]) / hz; sw = a[3] - b[3]
    printf "%.2f %.3f %d %.2f %.1f %.1f %.1f\n", cpu, 100 * cpu / s, sw, sw / s, a[4] / 1024, a[5] / 1024, a[6] / 1024
  }'
}

# proc_cpu_ms BEFORE AFTER: on-CPU milliseconds between two proc_stats lines (schedstat, live
# threads only: finer than the clock ticks of proc_delta).
proc_cpu_ms() {
  awk -v before="$1" -v after="$2" 'BEGIN { split(before, b, " "); split(after, a, " "); printf "%.1f\n", (a[2] - b[2]) / 1e6 }'
}
