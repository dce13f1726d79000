// What must be equal between two runs of the same scans: the verdicts, not the clocks, ids, latencies or the server
// counters that evidence bodies quote (a /metrics page counts the requests of every earlier run).
import type { ScanReport } from '../../src/engine/types.js';
import type { BatchReport } from '../../src/report/batch.js';

export function verdicts(r: ScanReport) {
  return {
    target: r.target,
    partial: r.partial,
    score: r.score,
    grade: r.grade,
    fingerprint: r.fingerprint,
    surface: r.surface,
    findings: r.findings.map((f) => ({ id: f.id, rule: f.rule, severity: f.severity, confidence: f.confidence, endpoint: f.endpoint })),
    rules: r.rules.map((x) => ({ rule: x.rule, status: x.status })),
  };
}

export const batchVerdicts = (b: BatchReport) => ({ reports: b.reports.map(verdicts), errors: b.errors, shard: b.shard });
