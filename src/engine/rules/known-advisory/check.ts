// vuln.known-advisory — the version the server states falls in published advisories' affected ranges: one finding per
// product, naming the one version that fixes them all. Version evidence alone is `tentative`; when a rule of this scan
// proved the worst advisory's flaw on the wire (a Host-header bypass for a Host-header advisory), the finding is confirmed
// and points at the proof. Sends nothing.

import { type Advisory, advisoriesFor } from '../../advisories.js';
import type { Confidence, Exchange, Finding, Severity, Surface } from '../../types.js';
import { quote } from '../../untrusted.js';
import { compareVersions, describeRange, inRange } from '../../version.js';
import { type CheckContext, defineCheck } from '../define.js';
import family from './index.js';

/** Below this the product itself is a guess, and so would be the advisory. */
const MIN_PRODUCT_CONFIDENCE = 0.5;

/** Where each product states its version. */
const VERSION_PATHS: Record<string, string> = {
  vllm: '/version',
  tgi: '/info',
  ollama: '/api/version',
  llamacpp: '/props',
  koboldcpp: '/api/extra/version',
  sglang: '/get_server_info',
  litellm: '/health/readiness', // or the x-litellm-version header of any answer
};

/** The exchange that stated the version: the product's own source, else the first answer whose header or body carries it. */
function versionExchange(surface: Surface, version: string): Exchange | null {
  const path = VERSION_PATHS[surface.fingerprint.product];
  const own = path ? surface.signals.byPath[path] : undefined;
  if (own?.response?.body.includes(version)) return own;
  for (const ex of surface.signals.all) {
    const res = ex.response;
    if (!res) continue;
    if (Object.values(res.headers).some((v) => v === version || v.startsWith(`${version} `))) return ex;
  }
  return surface.signals.all.find((ex) => ex.response?.status === 200 && ex.response.body.includes(`"${version}"`)) ?? null;
}

/** A finding of this scan that proves the advisory's flaw, strongest first. */
function confirmingFinding(advisory: Advisory, settled: readonly Finding[]): Finding | null {
  if (!advisory.confirmedBy?.length) return null;
  const order: Record<Confidence, number> = { confirmed: 0, firm: 1, tentative: 2 };
  return (
    settled
      .filter((f) => advisory.confirmedBy!.includes(f.rule) && f.confidence !== 'tentative')
      .sort((a, b) => order[a.confidence] - order[b.confidence])[0] ?? null
  );
}

export default defineCheck(family, {
  id: 'known-advisory',
  depth: 'quick',
  // The checks whose findings can confirm an advisory (advisories' confirmedBy rules): auth.host-header.
  after: ['auth-host-header'],
  async run(ctx) {
    const fp = ctx.surface.fingerprint;
    if (fp.product === 'unknown' || fp.confidence < MIN_PRODUCT_CONFIDENCE) return [];
    const advisories = advisoriesFor(fp.product);
    if (advisories.length === 0) return [];
    if (!fp.version) {
      ctx.mark(
        'vuln.known-advisory',
        'inconclusive',
        `${fp.productName ?? fp.product} did not state its version, so its advisories could not be checked (Gatecrash never guesses a version).`,
      );
      return [];
    }
    const version = fp.version;
    const exchange = versionExchange(ctx.surface, version);
    if (!exchange) return [];
    const affected: Advisory[] = [];
    let unplaced = 0;
    for (const advisory of advisories) {
      const hit = inRange(version, advisory.affected);
      if (hit === null) unplaced++;
      if (hit) affected.push(advisory);
    }
    if (affected.length === 0) {
      if (unplaced > 0)
        ctx.mark('vuln.known-advisory', 'inconclusive', `The stated version ${quote(version, 40)} could not be compared with the advisories' ranges.`);
      return [];
    }
    return [advisoriesFinding(ctx, affected, version, exchange)];
  },
});

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** The first version that fixes every one of the advisories (the highest of their fixed versions). */
export function fixingVersion(affected: readonly Advisory[]): string {
  return affected.map((a) => a.affected.fixed).reduce((best, v) => ((compareVersions(v, best) ?? 0) > 0 ? v : best));
}

/**
 * One finding per product, however many advisories cover the version: they all have one remedy, the version that fixes
 * them all. Its severity is the worst advisory's; it is proven (confirmed or firm) when a rule of this scan proved that
 * advisory's flaw on the wire, and then points at the proof.
 */
function advisoriesFinding(ctx: CheckContext, affected: Advisory[], version: string, exchange: Exchange): Finding {
  const fp = ctx.surface.fingerprint;
  const name = fp.productName ?? fp.product;
  // The version is the server's own statement: quoted wherever it is shown.
  const stated = quote(version, 40);
  const sorted = [...affected].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.cvss - a.cvss);
  const worst = sorted[0]!;
  const proofs = sorted.map((a) => ({ advisory: a, proof: confirmingFinding(a, ctx.settled) })).filter((x) => x.proof !== null);
  const proven = proofs.find((x) => x.advisory.severity === worst.severity);
  const fixed = fixingVersion(affected);
  const where = new URL(exchange.request.url).pathname;
  const list = sorted.map((a) => `${a.id} (${a.severity}, CVSS ${a.cvss.toFixed(1)}, fixed in ${a.affected.fixed}): ${a.summary}`);
  const provenText = proofs.length
    ? ` This scan also proved ${proofs.map((x) => `${x.advisory.id} on the wire (${x.proof!.rule}, ${x.proof!.confidence})`).join(' and ')}.`
    : ' This is version evidence only.';
  return ctx.finding({
    rule: 'vuln.known-advisory',
    confidence: proven ? proven.proof!.confidence : 'tentative',
    severity: worst.severity,
    cwe: [...new Set(sorted.flatMap((a) => a.cwe))],
    advisory: worst.id,
    variant: 'advisories',
    title: affected.length === 1 ? `${name} ${stated} is affected by ${worst.id}` : `${name} ${stated} is affected by ${affected.length} published advisories`,
    description:
      `${name} states version ${stated} (${exchange.request.method} ${where}), which ` +
      `${affected.length === 1 ? 'one advisory covers' : `${affected.length} advisories cover`}: ` +
      `${list.join(' ')} ${name} ${fixed} fixes ${affected.length === 1 ? 'it' : 'all of them'}.${provenText}`,
    remediation:
      `Upgrade ${name} to ${fixed} or later: the first version that fixes ` +
      `${affected.length === 1 ? worst.id : `all ${affected.length} advisories (${sorted.map((a) => a.id).join(', ')})`}.`,
    exchange,
    endpoint: { method: exchange.request.method, url: ctx.surface.target.origin + where },
    ...(proofs.length ? { related: [...new Set(proofs.map((x) => x.proof!.id))] } : {}),
    notes: [
      ...sorted.map((a) => `advisory: ${a.id}, CVSS ${a.cvss.toFixed(1)}, affected ${describeRange(a.affected)}, fixed in ${a.affected.fixed}, ${a.reference}`),
      `fixed in: ${fixed} (every advisory above)`,
    ],
  });
}
