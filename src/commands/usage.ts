// The help text: the commands, then each command's flags. `gatecrash CMD --help` prints that command's part.
import { GATECRASH_VERSION } from '../engine/release.js';
import type { Command } from './flags.js';

const HEAD = `gatecrash ${GATECRASH_VERSION} — prove what an LLM inference endpoint gives away

Usage:
  gatecrash scan <url> [options]     scan one endpoint (read-only toward the target); loopback is allowed,
                                     a URL without a scheme is http (127.0.0.1:8000/generate)
  gatecrash scan --targets FILE [--parallel N] [options]
                                     scan many endpoints, write one combined report
  gatecrash discover CIDR|HOST… [--ports LIST] [--scan] [options]
                                     find the LLM servers of a network (cheap phase only) and write an
                                     inventory (json, csv, markdown); --scan goes on to scan each one
  gatecrash merge FILE…              join JSON outputs (the shards of one run) into one report, any format
  gatecrash demo [options]           start the built-in deliberately vulnerable target and scan it
  gatecrash verify --report FILE | --scan-id ID [url] [--header …]
                                     re-run only the rules an earlier scan failed (a saved JSON report, or a
                                     scan id from the local scan store), on the same endpoints: exit 0 when
                                     every finding is proven fixed, 1 otherwise (url: where the fixed service
                                     answers now; default: the scan's target)
  gatecrash fix FINDING_ID [--report FILE] | fix RULE [--framework F] [--url URL] | fix --report FILE | --scan-id ID
                                     print the fix for a finding (of a saved report, or of a scan in the local
                                     scan store), a rule, or every finding of a scan, on the identified
                                     framework, with its apply steps and the checks that prove it
  gatecrash scans [--format text|json]
                                     list the scans kept in the local scan store (newest first)
  gatecrash checks [RULE] [--format text|markdown|json]
                                     list the rule catalog, or show one rule
  gatecrash mcp                      serve MCP over stdio
  gatecrash serve [--host H] [--port P] [--token T] [--legacy-sse] [--allow-remote]
                                     serve MCP over Streamable HTTP at /mcp (loopback, bearer token;
                                     env GATECRASH_TOKEN; generated and printed once when absent)
`;

const SCAN = `
Scan options (scan, and demo's --format, --output, --html, --depth, --budget, --timeout, --fail-on, --no-store):
  --format pretty|json|sarif|markdown|html   output format (default: pretty on a terminal, json otherwise);
                                        html is one self-contained page (no network) with the fixes for each finding
  --output FILE                         write the report to FILE (a line on stderr says where, the grade and the gate)
  --html FILE                           also write the HTML report to FILE, whatever --format is
  --header 'Name: value'                credential header, repeatable (values are always redacted)
  --bearer TOKEN                        shorthand for --header 'Authorization: Bearer TOKEN' (env GATECRASH_BEARER)
  --depth quick|standard|deep           how far to go (default standard)
  --budget N                            maximum requests, 1-2000 (default 150)
  --timeout DURATION                    whole-scan deadline: 60, 60s, 1500ms, 2m (default 60s)
  --allow-private                       allow 10/8, 172.16/12, 192.168/16, fc00::/7 targets (env GATECRASH_ALLOW_PRIVATE=1)
  --allow HOST[,HOST…]                  only these hosts, IPs or CIDRs may be scanned (env GATECRASH_ALLOW)
  --hint PRODUCT                        skip fingerprinting (vllm, tgi, ollama, llamacpp, fastapi, …)
  --fail-on critical|high|medium|low|none   exit 1 when a confirmed/firm finding is at or above it (default high);
                                        an incomplete scan (no grade) exits 2 unless none
  --request 'METHOD /path [body]'       the request the inference route expects, {{prompt}} where the prompt goes,
                                        e.g. 'POST /api/ask {"question": "{{prompt}}"}' (env GATECRASH_REQUEST)
  --insecure                            scan https without verifying the certificate (env GATECRASH_INSECURE=1)
  --ca FILE                             trust the CA certificates in FILE (PEM) for https (env GATECRASH_CA)
  --source FILE[:LINE]                  SARIF: attach the results to the code that serves the route (a file of
                                        the repository, relative to where the scan runs)
  --no-store                            keep no copy in the local scan store (env GATECRASH_NO_STORE=1); the store is
                                        $XDG_CACHE_HOME/gatecrash/scans (else ~/.cache/…): the newest 100 of 30 days

Batch options (scan --targets):
  --targets FILE                        one URL per line (# comments), or a JSON/YAML list of URLs or
                                        { url, headers, source }
  --parallel N                          scans at once, 1-16 (default 4; env GATECRASH_PARALLEL)
  --shard K/N                           scan only the K-th of N shares of the targets (join with merge)
  Exit 2 when any target could not be scanned, else 1 when any report fails --fail-on, else 0.
`;

const DISCOVER = `
Discover options (docs/fleet.md):
  --ports LIST                          ports to probe: 8000,11434 or 8000-8010 (default: the profiles' ports)
  --targets FILE                        scope items, one a line (# comments), besides those given as arguments
  --rate N                              new connections a second, all of them (default 200; env GATECRASH_RATE)
  --per-host N                          connections at once to one address (default 2)
  --connect-timeout DURATION            port probe connect timeout (default 2s)
  --shard K/N                           sweep only the K-th of N shares of the scope (join with merge)
  --scan                                scan every LLM server found (--parallel, --depth, --header …, --no-store apply)
  --format json|csv|markdown|pretty|sarif   (sarif needs --scan)
`;

const OTHERS = `
Other commands' options:
  merge   --format (json, sarif, markdown, html, pretty), --output, --fail-on, --source (as for scan)
  verify  --report FILE or --scan-id ID, --format pretty|json, --output, --header, --bearer, --budget, --timeout,
          --allow-private, --allow, --insecure, --ca, --no-store (the re-scans are kept like any scan)
  fix     --report FILE or --scan-id ID, --framework NAME, --url URL (a rule on your endpoint),
          --format text|markdown|json, --output
  scans   --format text|json
  checks  --format text|markdown|json
  mcp     --allow-private, --allow, --budget, --timeout, --insecure, --ca (fixed for the session; a tool call cannot lift
          them), --no-store (scans stay in the session's memory only)
  serve   --host, --port, --token, --legacy-sse, --allow-remote, and mcp's
`;

export const USAGE = `${HEAD}${SCAN}${DISCOVER}${OTHERS}`;

/** The help of one command: the list of commands, then the part that concerns it. */
export function usageOf(command: Command): string {
  if (command === 'scan' || command === 'demo') return `${HEAD}${SCAN}`;
  if (command === 'discover') return `${HEAD}${DISCOVER}`;
  return `${HEAD}${OTHERS}`;
}
