// One report in any of the formats the CLI writes. Pure.
import type { ScanReport } from '../engine/types.js';
import { type HtmlOptions, toHtml } from './html.js';
import { toJson } from './json.js';
import { toMarkdown } from './markdown.js';
import { toPretty } from './pretty.js';
import { type SarifOptions, toSarifJson } from './sarif.js';

export type ReportFormat = 'pretty' | 'json' | 'sarif' | 'markdown' | 'html';

export interface RenderOptions {
  color: boolean;
  sarif?: SarifOptions;
  html?: HtmlOptions;
}

export function renderReport(report: ScanReport, format: ReportFormat, options: RenderOptions): string {
  switch (format) {
    case 'html':
      return toHtml(report, options.html);
    case 'json':
      return toJson(report);
    case 'sarif':
      return toSarifJson(report, options.sarif);
    case 'markdown':
      return toMarkdown(report);
    case 'pretty':
      return toPretty(report, { color: options.color });
  }
}
