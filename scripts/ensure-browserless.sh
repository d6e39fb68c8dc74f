#!/bin/sh
# Installs browserless v2 (npm @browserless.io/browserless, pinned) for the
# test that runs it on loopback, with this machine's Chromium as its
# browser: no browser is downloaded. The folder is
# $COUPATUI_BROWSERLESS_DIR, else ~/.cache/coupatui/browserless; the
# tests look there too. Without node/npm it says so and exits 0 (that test
# then skips, saying why).
set -eu
VERSION=2.42.0
DIR="${COUPATUI_BROWSERLESS_DIR:-${HOME}/.cache/coupatui/browserless}"

have() { command -v "$1" >/dev/null 2>&1; }
if ! have node || ! have npm; then
	echo "node/npm missing: the browserless test will be skipped (apt-get install -y nodejs npm)." >&2
	exit 0
fi
CHROMIUM=""
for c in /usr/lib/chromium/chromium "$(command -v chromium 2>/dev/null || true)" "$(command -v google-chrome 2>/dev/null || true)"; do
	if [ -n "$c" ] && [ -x "$c" ]; then CHROMIUM="$c"; break; fi
done
if [ -z "$CHROMIUM" ]; then
	echo "no Chromium for browserless: the browserless test will be skipped." >&2
	exit 0
fi

mkdir -p "$DIR"
if [ ! -f "$DIR/node_modules/@browserless.io/browserless/package.json" ] ||
	! grep -q "\"version\": \"$VERSION\"" "$DIR/node_modules/@browserless.io/browserless/package.json"; then
	echo "Installing @browserless.io/browserless@$VERSION into $DIR (about a minute)..." >&2
	[ -f "$DIR/package.json" ] || echo '{"name":"coupatui-browserless","private":true}' >"$DIR/package.json"
	(cd "$DIR" && PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
		npm install --no-audit --no-fund --loglevel=error "@browserless.io/browserless@$VERSION" >/dev/null)
fi

# browserless starts the browser at playwright-core's own path: under
# $DIR/browsers that path is a link to this machine's Chromium.
rel=$(cd "$DIR" && PLAYWRIGHT_BROWSERS_PATH="$DIR/browsers" node -e \
	"console.log(require('playwright-core').chromium.executablePath())")
mkdir -p "$(dirname "$rel")"
ln -sfn "$CHROMIUM" "$rel"
echo "browserless $VERSION ready in $DIR (Chromium: $CHROMIUM)" >&2
