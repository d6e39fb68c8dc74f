#!/bin/sh
# Takes the README's picture of the console: runs `coupatui demo` in a
# private 120x40 tmux, waits for a frame with a file downloading part way,
# captures it with its colours and renders it to docs/console.svg with
# charmbracelet/freeze (installed with go install when missing; it is a
# tool, not a dependency of coupatui). Usage: scripts/screenshot.sh [OUT.svg]
set -eu

OUT=${1:-docs/console.svg}
FREEZE_VERSION=v0.2.2
GO=${GO:-go}

have() { command -v "$1" >/dev/null 2>&1; }
have tmux || { echo "screenshot: tmux is needed: apt-get install -y tmux" >&2; exit 1; }

bin=$($GO env GOBIN)
[ -n "$bin" ] || bin=$($GO env GOPATH)/bin
freeze=$bin/freeze
if ! [ -x "$freeze" ]; then
	echo "screenshot: installing charmbracelet/freeze $FREEZE_VERSION into $bin" >&2
	$GO install "github.com/charmbracelet/freeze@$FREEZE_VERSION"
fi

work=$(mktemp -d)
sock="coupatui-shot-$$"
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

$GO build -o "$work/coupatui" .
# The demo's own folder, home and state live in $work: nothing of the
# operator's is touched. TERM and NO_COLOR are fixed so the colours are
# the same wherever it runs.
tmux -L "$sock" -f /dev/null new-session -d -x 120 -y 40 \
	"cd '$work' && env -u NO_COLOR TERM=xterm-256color HOME='$work' XDG_STATE_HOME='$work/state' ./coupatui demo --dir demo; sleep 60"

# A frame worth showing: a file part way (10-89%), ten POs or more done.
frame=""
i=0
while [ $i -lt 600 ]; do
	shot=$(tmux -L "$sock" capture-pane -e -p -t 0)
	plain=$(printf '%s\n' "$shot" | sed 's/\x1b\[[0-9;]*m//g')
	if printf '%s\n' "$plain" | grep -q '↓ .* [1-8][0-9]%' &&
		printf '%s\n' "$plain" | grep -q ' [1-9][0-9]/[0-9]* done'; then
		frame=$shot
		break
	fi
	i=$((i + 1))
	sleep 0.2
done
[ -n "$frame" ] || { echo "screenshot: no frame with a file in flight within 2 minutes" >&2; exit 1; }
tmux -L "$sock" send-keys -t 0 q

# freeze (v0.2.2) knows 256-colour backgrounds but not the basic ones
# (SGR 40-47) nor reverse video (SGR 7): spell them as it knows.
printf '%s\n' "$frame" |
	sed -e 's/\x1b\[0;7m/\x1b[0;48;5;252;38;5;234m/g' \
		-e 's/\x1b\[7m/\x1b[48;5;252;38;5;234m/g' \
		-e 's/\x1b\[4\([0-7]\)m/\x1b[48;5;\1m/g' >"$work/frame.ansi"

mkdir -p "$(dirname "$OUT")"
# No embedded font (it would weigh 300 KB): the viewer's monospace font.
"$freeze" -l ansi --window --font.family "DejaVu Sans Mono, Menlo, Consolas, monospace" \
	--font.size 14 -o "$OUT" <"$work/frame.ansi" >/dev/null
echo "screenshot: wrote $OUT ($(wc -c <"$OUT") bytes)"
