#!/usr/bin/env bash
# The step of the Gatecrash GitHub Action (action.yml). Runs the CLI on the inputs, writes the SARIF file (and the HTML
# report when html-file is given) and the step outputs (score, grade, findings, sarif-file, html-file), and exits with the CLI's code: 0 passed, 1 the --fail-on gate failed,
# 2 a target could not be scanned or an input is wrong.
#
# Runs outside GitHub too (the e2e test does): set INPUT_* and GITHUB_OUTPUT (the outputs are printed when it is unset). GATECRASH_CLI
# replaces the command, e.g. GATECRASH_CLI="node dist/cli.js" for a local checkout; the default is the published CLI
# at this action's own version: npx --yes gatecrash@<version in package.json>.
#
# Header values are secrets: each is masked (::add-mask::) before anything else runs, never echoed, never traced.
set -euo pipefail

action_dir=${GITHUB_ACTION_PATH:-$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)}
url=${INPUT_URL:-}
targets=${INPUT_TARGETS:-}
sarif=${INPUT_SARIF_FILE:-gatecrash.sarif}
html=${INPUT_HTML_FILE:-}

fail() {
  printf '::error title=Gatecrash::%s\n' "$1"
  exit 2
}

# Workflow-command data is %-escaped (%25, %0D, %0A): unescaped, a value holding "%25" would mask the wrong string.
mask() {
  local v=${1//%/%25}
  v=${v//$'\r'/%0D}
  v=${v//$'\n'/%0A}
  printf '::add-mask::%s\n' "$v"
}

trim() {
  local s=$1
  s=${s#"${s%%[![:space:]]*}"}
  s=${s%"${s##*[![:space:]]}"}
  printf '%s' "$s"
}

if [[ -n $url && -n $targets ]]; then fail "Give either the 'url' input or the 'targets' input, not both."; fi
if [[ -z $url && -z $targets ]]; then fail "Give the 'url' input (one endpoint) or the 'targets' input (a targets file)."; fi

# --- credentials: mask first, then build the arguments ---------------------------------------------------------------
header_args=()
line_no=0
while IFS= read -r line || [[ -n $line ]]; do
  line_no=$((line_no + 1))
  line=${line%$'\r'}
  [[ -z $(trim "$line") || $(trim "$line") == \#* ]] && continue
  # The line is never printed: it may be nothing but a pasted key.
  [[ $line == *:* ]] || fail "Line ${line_no} of the 'headers' input has no colon; each line must look like 'Name: value'."
  name=$(trim "${line%%:*}")
  value=$(trim "${line#*:}")
  if [[ -z $value ]]; then
    # Typically a secret this workflow cannot read (a pull request from a fork): scanning with an empty key would
    # probe something else than the user meant, so the header is left out.
    printf '::warning title=Gatecrash::The header %s has an empty value (a secret not available to this run?); it is not sent.\n' "$name"
    continue
  fi
  mask "$value"
  # The token after a scheme ("Bearer abc") is masked on its own too, in case something prints it alone.
  if [[ $value =~ ^[A-Za-z]+[[:space:]]+(.+)$ ]]; then mask "${BASH_REMATCH[1]}"; fi
  header_args+=(--header "${name}: ${value}")
done <<< "${INPUT_HEADERS:-}"

# --- the command -----------------------------------------------------------------------------------------------------
if [[ -n ${GATECRASH_CLI:-} ]]; then
  read -r -a cli <<< "$GATECRASH_CLI"
else
  version=$(node -e 'process.stdout.write(String(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).version))' "$action_dir/package.json") \
    || fail "Cannot read the action's version from $action_dir/package.json."
  cli=(npx --yes "gatecrash@${version}")
fi

scan_args=(scan)
if [[ -n $url ]]; then scan_args+=("$url"); else scan_args+=(--targets "$targets"); fi
scan_args+=(--format sarif --output "$sarif" --fail-on "${INPUT_FAIL_ON:-high}" --depth "${INPUT_DEPTH:-standard}")
if [[ -n ${INPUT_SOURCE:-} ]]; then scan_args+=(--source "$INPUT_SOURCE"); fi
case "${INPUT_ALLOW_PRIVATE:-false}" in
  true | True | TRUE | 1 | yes) scan_args+=(--allow-private) ;;
  false | False | FALSE | 0 | no | '') ;;
  *) fail "The 'allow-private' input takes true or false." ;;
esac

# The HTML report comes from the same scan (--html), never from a second one.
if [[ -n $html ]]; then
  scan_args+=(--html "$html")
  mkdir -p -- "$(dirname -- "$html")"
  rm -f -- "$html"
fi

mkdir -p -- "$(dirname -- "$sarif")"
rm -f -- "$sarif"
set +e
"${cli[@]}" "${scan_args[@]}" ${header_args[@]+"${header_args[@]}"}
code=$?
set -e

# --- outputs, from the SARIF file (our own run properties: score and grade per scanned target) ------------------------
# A target that could not be scanned, or whose scan was incomplete, has no grade; then the run has none either.
if [[ -s $sarif ]]; then
  outputs=$(node - "$sarif" "$code" "${INPUT_FAIL_ON:-high}" "${GITHUB_STEP_SUMMARY:-}" <<'JS'
const fs = require('fs');
const [file, code, failOn, summaryFile] = process.argv.slice(2);
const run = JSON.parse(fs.readFileSync(file, 'utf8')).runs[0];
const unreached = (inv) => (inv.toolExecutionNotifications || []).some((n) => n.properties && n.properties.phase === 'reach');
const scanned = run.invocations.filter((inv) => inv.properties && typeof inv.properties.score === 'number' && !unreached(inv));
const allGraded = scanned.length > 0 && scanned.length === run.invocations.length;
const grades = ['A', 'B', 'C', 'D', 'F'];
const score = allGraded ? Math.min(...scanned.map((inv) => inv.properties.score)) : '';
const grade = allGraded ? grades[Math.max(...scanned.map((inv) => grades.indexOf(inv.properties.grade)))] : '';
process.stdout.write(`score=${score}\ngrade=${grade}\nfindings=${run.results.length}\n`);
if (summaryFile) {
  const cell = (s) => String(s).replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
  const verdict = code === '0' ? 'passed' : code === '1' ? `failed (a proven finding at or above ${cell(failOn)})` : 'cannot vouch for every target (not scanned, or incomplete)';
  const rows = run.invocations.map((inv) => {
    const p = inv.properties || {};
    const url = (p.target && p.target.url) || '?';
    if (scanned.includes(inv)) return `| ${cell(url)} | ${p.grade} | ${p.score} |`;
    return unreached(inv) || !p.verdict ? `| ${cell(url)} | – | not scanned |` : `| ${cell(url)} | – | incomplete: ${cell((p.verdict.reasons || [])[0] || '')} |`;
  });
  const lines = [`### Gatecrash: ${grade ? `grade ${grade} (${score}/100)` : 'no grade'}, ${run.results.length} finding(s), gate ${verdict}`, '', '| Target | Grade | Score |', '|---|---|---:|', ...rows, ''];
  fs.appendFileSync(summaryFile, `${lines.join('\n')}\n`);
}
JS
  ) || outputs=$'score=\ngrade=\nfindings=0' # an unreadable SARIF file must not hide the scan's own exit code
else
  outputs=$'score=\ngrade=\nfindings=0'
fi
outputs+=$'\n'"sarif-file=${sarif}"$'\n'
if [[ -n $html && -s $html ]]; then outputs+="html-file=${html}"$'\n'; fi
# Outside GitHub (no GITHUB_OUTPUT) the outputs are printed instead.
if [[ -n ${GITHUB_OUTPUT:-} ]]; then printf '%s' "$outputs" >> "$GITHUB_OUTPUT"; else printf '%s' "$outputs"; fi

case $code in
  0) ;;
  1) printf '::error title=Gatecrash::A confirmed or firm finding is at or above fail-on (%s); see %s.\n' "${INPUT_FAIL_ON:-high}" "$sarif" ;;
  *) printf '::error title=Gatecrash::Gatecrash cannot vouch for the target: the scan was incomplete or did not run (exit %s); the reason is in the log above.\n' "$code" ;;
esac
exit "$code"
