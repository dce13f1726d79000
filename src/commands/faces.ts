// What the CLI adds to a report before rendering it: the fix for the identified stack on every finding (from the knowledge
// base); for SARIF the rule help and, with --source or a target's `source`, the code each result is attached to; for
// HTML every framework's fix, filled from each finding.
import type { BatchTarget } from '../batch.js';
import { createTarget } from '../engine/target.js';
import type { ScanReport } from '../engine/types.js';
import { type FixCommand, knowledgeFixes, ruleHelp, withStackFixes } from '../knowledge/index.js';
import type { RenderOptions, ReportFormat } from '../report/render.js';
import type { SourceLocation } from '../report/sarif.js';
import type { CommandContext } from './context.js';
import { parseSource } from './source.js';

export interface Faces {
  /** The report with each finding's `fix` for the stack its scan identified. */
  withFixes: (report: ScanReport) => ScanReport;
  render: (color: boolean) => RenderOptions;
}

/** A shell word: quoted when it holds anything a shell would read. */
function word(text: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * How a report names a finding's fix: by its id when the JSON report is being saved (the fix command reads it back), else
 * by the rule on the finding's URL, with the framework spelt out.
 */
export function fixCommand(jsonFile: string | undefined): FixCommand {
  return (finding, framework) =>
    jsonFile
      ? `gatecrash fix ${finding.id} --report ${word(jsonFile)}${framework ? '' : ' --framework NAME'}`
      : `gatecrash fix ${finding.rule} --url ${word(finding.endpoint.url)} --framework ${framework ?? 'NAME'}`;
}

/** The canonical URL of a targets-file entry, as its report will name it (a bad URL has no report to attach to). */
function canonicalUrl(url: string): string | undefined {
  try {
    return createTarget(url).url.href;
  } catch {
    return undefined;
  }
}

export function reportFaces(ctx: CommandContext, format: ReportFormat, targets?: readonly BatchTarget[]): Faces {
  const { config, args } = ctx;
  const given = typeof args.values.source === 'string' ? parseSource(args.values.source, args.spelt.source ?? '--source') : undefined;
  const perTarget = new Map<string, SourceLocation>();
  for (const t of targets ?? []) {
    const url = t.source ? canonicalUrl(t.url) : undefined;
    if (url && t.source) perTarget.set(url, parseSource(t.source, `the source of ${t.url.slice(0, 80)}`));
  }
  const source = given || perTarget.size ? (r: ScanReport) => perTarget.get(r.target.url) ?? given : undefined;
  const command = fixCommand(format === 'json' ? config.output : undefined);
  return {
    withFixes: (report) => withStackFixes(report, command),
    render: (color) => ({ color, sarif: { help: ruleHelp, ...(source ? { source } : {}) }, html: { fixes: knowledgeFixes } }),
  };
}
