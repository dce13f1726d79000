#!/usr/bin/env bash
# Runs the official MCP conformance suite (server side) against `gatecrash serve`.
#   scripts/conformance.sh                  every active server scenario, judged against scripts/conformance-baseline.yml
#   scripts/conformance.sh ping tools-list  just these scenarios (each must pass)
# The suite needs Node 22, which npm ships as the package node@22; it runs here through npx (online once, then from the
# npm cache). The suite cannot send a bearer token, so a loopback proxy started here adds `Authorization` to every request
# and forwards everything else verbatim — Host and Origin included, so dns-rebinding-protection still tests our checks.
set -euo pipefail
cd "$(dirname "$0")/.."

CONFORMANCE="${GATECRASH_CONFORMANCE_PKG:-@modelcontextprotocol/conformance@0.1.16}"
BASELINE=scripts/conformance-baseline.yml

[ -f dist/cli.js ] || npm run build --silent >&2

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Waits for a line matching $2 in file $1 and prints the first capture of sed expression $3.
await_line() {
  local file=$1 pattern=$2 expr=$3 i
  for i in $(seq 1 100); do
    if grep -qE "$pattern" "$file" 2>/dev/null; then grep -E "$pattern" "$file" | head -1 | sed -E "$expr"; return 0; fi
    sleep 0.1
  done
  echo "conformance.sh: timed out waiting for '$pattern' in $file:" >&2
  cat "$file" >&2
  return 1
}

token=$(node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64url'))")

GATECRASH_TOKEN="$token" GATECRASH_LOG_LEVEL=silent node dist/cli.js serve --port 0 2>"$work/serve.err" &
pids+=($!)
upstream=$(await_line "$work/serve.err" 'listening on http://' 's#.*listening on (http://[^ ]+/mcp).*#\1#')

GATECRASH_TOKEN="$token" UPSTREAM="$upstream" node --input-type=module -e '
import http from "node:http";
const up = new URL(process.env.UPSTREAM);
const auth = `Bearer ${process.env.GATECRASH_TOKEN}`;
const proxy = http.createServer((req, res) => {
  const fwd = http.request(
    { host: up.hostname, port: up.port, path: req.url, method: req.method, headers: { ...req.headers, authorization: auth } },
    (r) => { res.writeHead(r.statusCode ?? 502, r.headers); r.pipe(res); },
  );
  fwd.on("error", () => { if (!res.headersSent) res.writeHead(502); res.end(); });
  res.on("close", () => fwd.destroy());
  req.pipe(fwd);
});
proxy.listen(0, "127.0.0.1", () => console.log(`proxy on ${proxy.address().port}`));
' >"$work/proxy.out" 2>&1 &
pids+=($!)
port=$(await_line "$work/proxy.out" 'proxy on [0-9]+' 's#proxy on ([0-9]+)#\1#')
url="http://127.0.0.1:$port/mcp"

run() { npx -y -p node@22 -p "$CONFORMANCE" conformance server --url "$url" "$@" 2>&1 | grep -v '^npm warn'; }

status=0
if [ $# -gt 0 ]; then
  for scenario in "$@"; do
    echo "== $scenario"
    run --scenario "$scenario" || status=1
  done
else
  run --expected-failures "$BASELINE" || status=1
fi
exit $status
