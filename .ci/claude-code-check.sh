#!/usr/bin/env bash
# Claude Code itself accepts the plugin as it is (issue 13): its validator, an install into an empty
# HOME as a newcomer does it, the size of what lands in its plugin cache, and `claude mcp list`
# connecting to the plugin's server (from a directory outside the clone) and to the project's.
#
# Installs @anthropic-ai/claude-code (npm; the version pinned below) into .tools/claude-code
# (git-ignored, reused on later runs). Works offline once installed: nothing here logs in.
# Exits non-zero on a validation error or warning (--strict), a failed install, a cache over the
# limit or holding a virtual environment, or a server that does not connect.
#
# Variables (optional): CLAUDE_CODE_VERSION (default 2.1.197), CACHE_LIMIT_KB (default 10000).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS="$ROOT/.tools/claude-code"
CLAUDE_CODE_VERSION=${CLAUDE_CODE_VERSION:-2.1.197}
CACHE_LIMIT_KB=${CACHE_LIMIT_KB:-10000}
started=$(date +%s)

CLAUDE="$TOOLS/node_modules/.bin/claude"
installed=$("$CLAUDE" --version 2>/dev/null | cut -d' ' -f1 || true)
if [ "$installed" != "$CLAUDE_CODE_VERSION" ]; then
  echo "installing @anthropic-ai/claude-code@$CLAUDE_CODE_VERSION into .tools/claude-code"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS" "@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION" >/dev/null
fi
echo "claude $("$CLAUDE" --version); setup took $(($(date +%s) - started)) s"

# Claude Code must neither phone home nor touch the developer's own ~/.claude.
export DISABLE_AUTOUPDATER=1 DISABLE_TELEMETRY=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
export UV_CACHE_DIR="${UV_CACHE_DIR:-$(uv cache dir)}" # uv's cache survives the HOME below
unset HUBSPOT_ACCESS_TOKEN HUBSPOT_API_TOKEN SEGMENT_LISTS_SANDBOX
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
export HOME="$SCRATCH/home"
mkdir -p "$HOME/.claude" "$SCRATCH/elsewhere"
failures=0
fail() { echo "FAIL $*" >&2; failures=$((failures + 1)); }

# 1. The validator: the marketplace (it follows the plugin entry) and the plugin folder.
for target in . plugin; do
  if "$CLAUDE" plugin validate --strict "$target"; then echo "ok   claude plugin validate --strict $target"
  else fail "claude plugin validate --strict $target"; fi
done

# 2. Install from the clone as a marketplace, as the README says.
"$CLAUDE" plugin marketplace add "$ROOT" >/dev/null || fail "plugin marketplace add"
"$CLAUDE" plugin install hubspot-segment-lists@hubspot-segment-lists >/dev/null || fail "plugin install"
cache="$HOME/.claude/plugins/cache"
size_kb=$(du -sk "$cache" | cut -f1)
echo "plugin cache: ${size_kb} KB; top level of the copy:"
ls -A "$cache"/hubspot-segment-lists/hubspot-segment-lists/*/ | sed 's/^/       /'
if [ "$size_kb" -gt "$CACHE_LIMIT_KB" ]; then fail "plugin cache ${size_kb} KB > ${CACHE_LIMIT_KB} KB"; fi
if find "$cache" \( -name .venv -o -name .tools -o -name node_modules -o -name .git \) | grep -q .; then
  fail "a virtual environment, tools or git data reached the plugin cache"
fi
details=$("$CLAUDE" plugin details hubspot-segment-lists@hubspot-segment-lists)
echo "$details" | grep -q "Skills (1)  create-segment-lists" || fail "plugin details: no create-segment-lists skill"
echo "$details" | grep -q "MCP servers (1)  hubspot-segment-lists" || fail "plugin details: not one MCP server"

# 3. Both servers connect, as Claude Code starts them (no token: the labelled sandbox stands in).
listed=$(cd "$SCRATCH/elsewhere" && timeout 600 "$CLAUDE" mcp list 2>&1 || true)
echo "$listed" | grep -q "^plugin:hubspot-segment-lists:hubspot-segment-lists: .*Connected" ||
  fail "the plugin's server did not connect from outside the clone: $listed"
echo '{"enableAllProjectMcpServers": true}' >"$HOME/.claude/settings.json" # approve the project's .mcp.json
listed=$(cd "$ROOT/docs" && timeout 600 "$CLAUDE" mcp list 2>&1 || true)
echo "$listed" | grep -q "^hubspot-segment-lists: .*Connected" ||
  fail "the project's .mcp.json server did not connect from a folder of the clone: $listed"
[ "$failures" -eq 0 ] && echo "ok   plugin and project servers connect (claude mcp list)"

echo "claude code check: $failures failure(s), $(($(date +%s) - started)) s in all"
[ "$failures" -eq 0 ]
