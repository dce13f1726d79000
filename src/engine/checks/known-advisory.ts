// vuln.known-advisory — the version the server states falls in a published advisory's affected range. Version evidence
// alone is `tentative`; when a rule of this scan proved the very flaw on the wire (a Host-header bypass for a Host-header
// advisory), the advisory is confirmed and both findings point at each other. Sends nothing.
import type { Confidence, Exchange, Finding, Surface } from '../types.js';
import { advisoriesFor, type Advisory } from '../advisories.js';
import { describeRange, inRange } from '../version.js';
import { defineCheck } from './define.js';
import { quote } from '../untrusted.js';

/** Below this the product itself is a guess, and so would be the advisory. */
const MIN_PRODUCT_CONFIDENCE = 0.5;

/** Where each product states its version (TARGETS.md "Version sources"). */
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

export default defineCheck({
  id: 'known-advisory',
  rules: ['vuln.known-advisory'],
  depth: 'quick',
  // The checks whose findings can confirm an advisory (advisories' confirmedBy rules): auth.host-header.
  after: ['auth-host-header'],
  async run(ctx) {
    const fp = ctx.surface.fingerprint;
    if (fp.product === 'unknown' || fp.confidence < MIN_PRODUCT_CONFIDENCE) return [];
    const advisories = advisoriesFor(fp.product);
    if (advisories.length === 0) return [];
    if (!fp.version) {
      ctx.mark('vuln.known-advisory', 'inconclusive', `${fp.productName ?? fp.product} did not state its version, so its advisories could not be checked (Gatecrash never guesses a version).`);
      return [];
    }
    const version = fp.version;
    // The version is the server's own statement: quoted wherever it is shown.
    const stated = quote(version, 40);
    const exchange = versionExchange(ctx.surface, version);
    if (!exchange) return [];
    const findings: Finding[] = [];
    let unplaced = 0;
    for (const advisory of advisories) {
      const affected = inRange(version, advisory.affected);
      if (affected === null) unplaced++;
      if (!affected) continue;
      const proof = confirmingFinding(advisory, ctx.settled);
      const where = new URL(exchange.request.url).pathname;
      findings.push(
        ctx.finding({
          rule: 'vuln.known-advisory',
          confidence: proof ? proof.confidence : 'tentative',
          severity: advisory.severity,
          cwe: advisory.cwe,
          advisory: advisory.id,
          variant: advisory.id,
          title: `${fp.productName ?? fp.product} ${stated} is affected by ${advisory.id}`,
          description:
            `${fp.productName ?? fp.product} states version ${stated} (${exchange.request.method} ${where}), inside the affected range ${describeRange(advisory.affected)} ` +
            `of ${advisory.id} (CVSS ${advisory.cvss.toFixed(1)}): ${advisory.summary}` +
            (proof ? ` This scan also proved the flaw itself (${proof.rule}, ${proof.confidence}).` : ' This is version evidence only.'),
          remediation: `Upgrade ${fp.productName ?? fp.product} to ${advisory.affected.fixed} or later (${advisory.reference}).`,
          exchange,
          endpoint: { method: exchange.request.method, url: ctx.surface.target.origin + where },
          ...(proof ? { related: [proof.id] } : {}),
          notes: [`advisory: ${advisory.id}`, `affected: ${describeRange(advisory.affected)}`, `fixed in: ${advisory.affected.fixed}`, `reference: ${advisory.reference}`],
        }),
      );
    }
    if (findings.length === 0 && unplaced > 0) {
      ctx.mark('vuln.known-advisory', 'inconclusive', `The stated version ${stated} could not be compared with the advisories' ranges.`);
    }
    return findings;
  },
});
