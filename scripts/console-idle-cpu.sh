#!/bin/sh
# console-idle-cpu.sh [COUPATUI] [SECONDS]: how much CPU coupatui's console
# uses while nothing happens. It runs `coupatui demo` in a tmux terminal,
# waits until every PO is final (the header says "N/N done"), then reads
# the process's own CPU time (utime + stime of /proc/<pid>/stat) SECONDS
# apart (default 60) and prints it as a share of one core. The browsers
# stay up, idle, as they do in a real console; their CPU is not counted.
set -eu
bin=$(realpath "${1:-./coupatui}")
secs=${2:-60}
dir=$(mktemp -d)
sock=coupatui-idle-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
tmux -L "$sock" -f /dev/null new-session -d -s idle -x 160 -y 50 \
	"cd '$dir' && XDG_STATE_HOME='$dir/state' XDG_DATA_HOME='$dir/data' exec '$bin' demo --dir '$dir/demo'"
pid=""
for _ in $(seq 1 600); do
	pid=$(pgrep -f -n "^$bin demo --dir $dir/demo" || true)
	if [ -n "$pid" ] && tmux -L "$sock" capture-pane -p -t idle | grep -Eq '([0-9]+)/\1 done'; then
		break
	fi
	sleep 0.5
done
[ -n "$pid" ] || { echo "coupatui did not start" >&2; exit 1; }
tmux -L "$sock" capture-pane -p -t idle | grep -Eq '([0-9]+)/\1 done' || { echo "the demo did not finish" >&2; exit 1; }
sleep 5 # the last outcomes' workbook write and the console's last redraws
tick=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
a=$(cpu "$pid")
sleep "$secs"
b=$(cpu "$pid")
awk -v a="$a" -v b="$b" -v t="$tick" -v s="$secs" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
	'BEGIN { printf "console idle for %d s: %.2f s of CPU = %.2f%% of one core (load average %s)\n", s, (b-a)/t, (b-a)/t/s*100, l }'
