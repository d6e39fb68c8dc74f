#!/bin/sh
# Makes sure a Chrome, Chromium or Edge is installed, installing Debian's
# or Ubuntu's chromium package when it can, and Chromium's headless shell
# (chromium-headless-shell) beside it. With --test it also makes sure
# tmux is there (the console's end-to-end test drives the real terminal)
# and poppler-utils (tests read the PDFs of e-mails back with pdftotext),
# and browserless from npm (scripts/ensure-browserless.sh).
set -eu

have() { command -v "$1" >/dev/null 2>&1; }

browser_found() {
	for b in chromium chromium-browser google-chrome google-chrome-stable chrome microsoft-edge microsoft-edge-stable; do
		have "$b" && return 0
	done
	for f in "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" "/Applications/Chromium.app/Contents/MacOS/Chromium"; do
		[ -x "$f" ] && return 0
	done
	return 1
}

# apt_install installs Debian packages as root, or through sudo when it can
# without a password; otherwise it says what to run.
apt_install() {
	if ! have apt-get; then
		return 1
	fi
	if [ "$(id -u)" -eq 0 ]; then
		SUDO=""
	elif have sudo && sudo -n true 2>/dev/null; then
		SUDO="sudo -n"
	else
		echo "Run: sudo apt-get update && sudo apt-get install -y $*" >&2
		return 1
	fi
	echo "Installing $* with apt-get..." >&2
	$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

if ! browser_found; then
	if ! apt_install chromium; then
		cat >&2 <<'MSG'
No Chrome, Chromium or Edge found. Install one, then run make again:
  Debian:   sudo apt-get install -y chromium chromium-headless-shell
  Ubuntu:   sudo snap install chromium   (or install Google Chrome from google.com/chrome)
  macOS:    brew install --cask google-chrome   (or: brew install --cask chromium)
  Windows:  winget install Google.Chrome
Or set [browser] exec_path in config.toml to the browser's executable.
MSG
		exit 1
	fi
fi

# The headless shell is what workers prefer: it starts faster and takes
# less memory than the full browser, which login still needs.
if ! have chromium-headless-shell && ! have chrome-headless-shell && have apt-get; then
	apt_install chromium-headless-shell || echo "chromium-headless-shell not installed: workers run the full browser (slower to start, more memory)." >&2
fi
if [ "${1:-}" = "--test" ] && ! have tmux; then
	apt_install tmux || echo "tmux is missing: the console's end-to-end tests will be skipped." >&2
fi
if [ "${1:-}" = "--test" ] && ! have pdftotext; then
	apt_install poppler-utils || echo "pdftotext (poppler-utils) is missing: the tests that read PDFs back will be skipped." >&2
fi
if [ "${1:-}" = "--test" ]; then
	# The remote-browser test runs a real browserless (npm) on loopback.
	sh "$(dirname "$0")/ensure-browserless.sh" || echo "browserless not installed: its test will be skipped." >&2
fi
exit 0
