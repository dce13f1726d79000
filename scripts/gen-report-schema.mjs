#!/usr/bin/env node
// Writes schemas/scan-report.schema.json from the zod ScanReportSchema (via the built dist/). `--check` only compares and
// exits 1 when the published file is stale (for CI). Run after `npm run build`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
let json;
try {
  json = await import(new URL('dist/report/json.js', `file://${root}/`).href);
} catch (err) {
  console.error(`gen-report-schema: cannot load dist/report/json.js (${err instanceof Error ? err.message : err}); run \`npm run build\` first.`);
  process.exit(2);
}
const target = resolve(root, json.SCAN_REPORT_SCHEMA_PATH);
const text = json.scanReportJsonSchemaText();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    console.error(`${json.SCAN_REPORT_SCHEMA_PATH} is stale: run \`npm run build && node scripts/gen-report-schema.mjs\`.`);
    process.exit(1);
  }
  console.error(`${json.SCAN_REPORT_SCHEMA_PATH} is up to date.`);
} else {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  console.error(`wrote ${json.SCAN_REPORT_SCHEMA_PATH}`);
}
