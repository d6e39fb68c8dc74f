#!/bin/sh
# queued-rss.sh [COUPATUI] [POS]: coupatui's own memory with POS (default
# 100000) tasks queued, with and without the console. It runs
# `coupatui bench` with one worker against a simulated Coupa whose pages take
# a minute ±30 s (page and task timeouts raised above that), so one worker
# holds its two POs and every other PO stays queued: nothing changes while it
# measures. It reads the bench's child (the real binary, --no-tui) and then a
# second coupatui with the console in a tmux terminal on a copy of the same
# input against the same simulator, each once steady (SETTLE seconds after
# its first PO started, default 15: before that PO's page can end), and prints VmRSS, RssAnon and RssFile.
# SIGNAL=USR1 sends that signal to each once measured (a binary built with a
# profiling hook writes its heap then).
set -eu
bin=$(realpath "${1:-./coupatui}")
pos=${2:-100000}
settle=${SETTLE:-15}
dir=$(mktemp -d)
sock=coupatui-rss-$$
benchpid="" child=""
cleanup() {
	# The console drains when its terminal goes (its POs take a minute) and
	# writes while it quits: a second signal forces it, and the script waits
	# for it, so the folder removed stays removed.
	cpid=$(pgrep -n -f "^$bin --config $dir/console/config.toml" || true)
	tmux -L "$sock" kill-server 2>/dev/null || true
	if [ -n "$cpid" ]; then
		sleep 0.5
		kill -TERM "$cpid" 2>/dev/null || true
		for _ in $(seq 1 150); do kill -0 "$cpid" 2>/dev/null || break; sleep 0.2; done
	fi
	if [ -n "$benchpid" ]; then
		kill -INT "$benchpid" 2>/dev/null || true
		if [ -n "$child" ]; then # the bench's coupatui drains too: force it the same way
			kill -TERM "$child" 2>/dev/null || true
			sleep 0.5
			kill -TERM "$child" 2>/dev/null || true
		fi
		for _ in $(seq 1 150); do kill -0 "$benchpid" 2>/dev/null || break; sleep 0.2; done
	fi
	# Its browsers may still write their profiles for a moment.
	for _ in $(seq 1 50); do
		rm -rf "$dir" 2>/dev/null
		[ -e "$dir" ] || break
		sleep 0.2
	done
}
trap cleanup EXIT
cat >"$dir/slow.toml" <<EOF
[coupa]
page_timeout = "1h"
[pool]
task_timeout = "2h"
EOF

# status PID LABEL: one line of the process's memory.
status() {
	awk -v l="$2" '/^(VmRSS|RssAnon|RssFile|VmHWM):/ { v[$1] = $2 }
		END { printf "%-28s VmRSS %6.1f MB  RssAnon %6.1f MB  RssFile %5.1f MB  (VmHWM %6.1f MB)\n",
			l, v["VmRSS:"]/1024, v["RssAnon:"]/1024, v["RssFile:"]/1024, v["VmHWM:"]/1024 }' "/proc/$1/status"
}

# started LOG: waits until a PO started (the queue is submitted and a worker is up).
started() {
	for _ in $(seq 1 600); do
		grep -q 'task.started' "$1" 2>/dev/null && return 0
		sleep 0.5
	done
	echo "no PO started (see $1)" >&2
	return 1
}

"$bin" bench --config "$dir/slow.toml" --pos "$pos" --workers 1 --latency 1m --attachments 0 \
	--profile-mb 0 --dir "$dir/bench" >"$dir/bench.out" 2>&1 &
benchpid=$!
child=""
for _ in $(seq 1 600); do
	child=$(pgrep -n -f "^$bin --config $dir/bench/run-" || true)
	[ -n "$child" ] && break
	kill -0 "$benchpid" 2>/dev/null || break
	sleep 0.5
done
[ -n "$child" ] || { echo "bench started no coupatui (see $dir/bench.out)" >&2; cat "$dir/bench.out" >&2; exit 1; }
run=$(ls -d "$dir"/bench/run-*)
started "$run/coupatui.log"
sleep "$settle"
status "$child" "$pos queued, --no-tui:"
[ -z "${SIGNAL:-}" ] || { kill -"$SIGNAL" "$child"; sleep 3; }

# The console: the bench child's configuration (the same simulator), its
# own journal, downloads and log, on a copy of the input.
mkdir -p "$dir/console"
cp "$dir/bench/pos.xlsx" "$dir/console/pos.xlsx"
sed -e "s|$run/journal.sqlite|$dir/console/journal.sqlite|" \
	-e "s|$run/downloads|$dir/console/downloads|" \
	-e "s|$run/coupatui.log|$dir/console/coupatui.log|" "$run/config.toml" >"$dir/console/config.toml"
tmux -L "$sock" -f /dev/null new-session -d -s rss -x 160 -y 50 \
	"cd '$dir/console' && XDG_STATE_HOME='$dir/console/state' XDG_DATA_HOME='$dir/console/data' exec '$bin' --config '$dir/console/config.toml' pos.xlsx"
started "$dir/console/coupatui.log"
sleep "$settle"
cpid=$(pgrep -n -f "^$bin --config $dir/console/config.toml" || true)
[ -n "$cpid" ] || { echo "the console run is not running" >&2; exit 1; }
status "$cpid" "$pos queued, console:"
[ -z "${SIGNAL:-}" ] || { kill -"$SIGNAL" "$cpid"; sleep 3; }
