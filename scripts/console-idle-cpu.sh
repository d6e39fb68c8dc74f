#!/bin/sh
# console-idle-cpu.sh [COUPATUI] [SECONDS] [STATE]: how much CPU coupatui
# uses while nothing happens. It runs `coupatui demo` in a 200x50 tmux
# terminal, brings it to STATE, waits for the browsers and the last writes,
# then reads the process's own CPU time (utime + stime of /proc/<pid>/stat)
# SECONDS apart (default 60) and prints it as a share of one core. The
# browsers stay up, idle, as they do in a real console; their CPU is not
# counted. STATE is one of
#   done     every PO is final, the run summary shows (the default)
#   panes    the same with the summary closed: workers idle, queue empty
#   paused   p pressed at once: every PO queued, workers idle
#   critical memory levels below use and pause_on_critical: POs queued
#   plain    the same with --no-tui, for comparison
# Set PERF=FILE to record a perf profile of the process over the same span.
set -eu
bin=$(realpath "${1:-./coupatui}")
secs=${2:-60}
state=${3:-done}
dir=$(mktemp -d)
sock=coupatui-idle-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; sleep 1; rm -rf "$dir"' EXIT
flags=""
case $state in
done | panes | paused) ;;
critical | plain)
	# Levels below what any machine uses: the pool pauses before it starts.
	printf '[pool]\nmemory_threshold = 0.02\n[monitor]\nmemory_critical = 0.03\npause_on_critical = true\npressure_window = "1s"\n' >"$dir/config.toml"
	flags="--config $dir/config.toml"
	[ "$state" = plain ] && flags="$flags --no-tui"
	;;
*) echo "unknown state $state" >&2; exit 2 ;;
esac
tmux -L "$sock" -f /dev/null new-session -d -s idle -x 200 -y 50 \
	"cd '$dir' && XDG_STATE_HOME='$dir/state' XDG_DATA_HOME='$dir/data' exec '$bin' demo $flags --dir '$dir/demo' 2>'$dir/stderr'"
screen() { tmux -L "$sock" capture-pane -p -t idle; }
# waitfor PATTERN: wait up to 5 minutes for the terminal to show PATTERN.
waitfor() {
	for _ in $(seq 1 600); do
		if screen | grep -Eq "$1"; then return 0; fi
		sleep 0.5
	done
	echo "the console never showed /$1/:" >&2
	screen >&2
	exit 1
}
pid=""
for _ in $(seq 1 100); do
	pid=$(pgrep -f -n "^$bin demo .*--dir $dir/demo" || true)
	[ -n "$pid" ] && break
	sleep 0.2
done
[ -n "$pid" ] || { echo "coupatui did not start" >&2; exit 1; }
case $state in
done) waitfor '([0-9]+)/\1 done' ;;
panes) waitfor '([0-9]+)/\1 done' && tmux -L "$sock" send-keys -t idle s ;;
paused) waitfor 'coupatui' && tmux -L "$sock" send-keys -t idle p && waitfor 'PAUSED' && waitfor 'workers ([0-9]+)/\1' ;;
critical) waitfor 'workers ([0-9]+)/\1' ;;
plain) sleep 20 ;; # no screen to read: time for the browsers to come up
esac
sleep 8 # the last outcomes' workbook write, the console's last redraws
tick=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
a=$(cpu "$pid")
t0=$(date +%s.%N)
if [ -n "${PERF:-}" ]; then
	perf record -F 499 -g -o "$PERF" -p "$pid" -- sleep "$secs" >/dev/null 2>&1
else
	sleep "$secs"
fi
b=$(cpu "$pid")
t1=$(date +%s.%N)
awk -v a="$a" -v b="$b" -v t="$tick" -v t0="$t0" -v t1="$t1" -v m="$state" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
	'BEGIN { s = t1 - t0; printf "%s, idle for %.1f s: %.2f s of CPU = %.2f%% of one core (load average %s)\n", m, s, (b-a)/t, (b-a)/t/s*100, l }'
