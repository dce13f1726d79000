// auth.weak-key-handling — with the user's key: is it compared loosely? On a route where the key makes the difference (refused
// without it and with a random wrong key of the same shape, accepted with it), the same one-token request is sent with:
// the key in changed case (TGI lower-cases both sides), the key in the query string instead of the header (?api_key= and
// ?key= in one request), the key minus its last character (a prefix compare), and the bare key without `Bearer ` where the
// user sends Bearer.
// One finding per behaviour. Every derived value is registered through Probe.secrets, so it is redacted like the key itself.

import {
  credentialValue,
  type KeyedRoute,
  keyedRoute,
  markRateLimited,
  reached,
  sendWithCredential,
  type UserCredential,
  userCredential,
} from '../../probes/credentials.js';
import { line } from '../../probes/differential.js';

import { describeServer } from '../../surface/inference.js';
import type { Exchange, Finding } from '../../types.js';
import { defineCheck } from '../define.js';
import family from './index.js';

/** Upper-case letters lower-cased and the other way round: differs from the key whenever the key has a letter. */
function swapCase(s: string): string {
  return [...s].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
}

function withQuery(path: string, name: string, value: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(value)}`;
}

interface Variant {
  /** The behaviour, one finding each. */
  behaviour: 'case' | 'query' | 'prefix' | 'no-scheme';
  title: string;
  /** What was sent, in words (never the key). */
  sent: string;
  why: string;
  send: () => Promise<Exchange>;
  /** When `send` combined several spellings and got through: one request per spelling, to name the one the server reads. */
  narrow?: { sent: string; send: () => Promise<Exchange> }[];
}

const QUERY_PARAMS = ['api_key', 'key'];

function variants(ctx: Parameters<typeof keyedRoute>[0], k: KeyedRoute, cred: UserCredential): Variant[] {
  const b = { request: k.request };
  const inHeader = (value: string, secret: string, purpose: string) =>
    sendWithCredential(ctx, b, { purpose, headers: { ...cred.others, [cred.header]: value }, secrets: [secret] });
  const out: Variant[] = [];
  // A JWT is not compared as a string: a changed case or a cut signature is auth.jwt's business (tampered token), not this rule's.
  const isJwt = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(cred.token);
  const swapped = swapCase(cred.token);
  if (swapped !== cred.token && !isJwt) {
    out.push({
      behaviour: 'case',
      title: 'API key accepted with changed case',
      sent: `your key with its letters' case swapped in ${cred.header}`,
      why: 'the comparison ignores case (both sides lower-cased), which shrinks the key space an attacker has to search',
      send: () => inHeader(credentialValue(cred, swapped), swapped, `weak key: your key with swapped case in ${cred.header}`),
    });
  }
  // Both parameters in one request: each carries the valid key, so a server that reads either accepts it, and a server that
  // reads neither (the usual case) costs one request instead of two. Which one it read is asked only after it accepted.
  const inQuery = (params: string[]) => () =>
    sendWithCredential(ctx, b, {
      purpose: `weak key: your key as ${params.map((p) => `?${p}=`).join(' and ')} instead of ${cred.header}`,
      path: params.reduce((path, p) => withQuery(path, p, cred.token), k.request.path),
      headers: { ...cred.others },
    });
  out.push({
    behaviour: 'query',
    title: 'API key accepted in the query string',
    sent: `your key as ?${QUERY_PARAMS.join('= and ?')}= and no ${cred.header} header`,
    why: 'keys in URLs end up in access logs, proxy logs, browser history and Referer headers',
    send: inQuery(QUERY_PARAMS),
    narrow: QUERY_PARAMS.map((p) => ({ sent: `your key as ?${p}= and no ${cred.header} header`, send: inQuery([p]) })),
  });
  if (cred.token.length >= 8 && !isJwt) {
    const prefix = cred.token.slice(0, -1);
    out.push({
      behaviour: 'prefix',
      title: 'A prefix of the API key is accepted',
      sent: `your key without its last character in ${cred.header}`,
      why: 'the comparison stops early (a prefix or length-bounded compare), so the key can be guessed a character at a time',
      send: () => inHeader(credentialValue(cred, prefix), prefix, `weak key: your key minus its last character in ${cred.header}`),
    });
  }
  if (cred.scheme === 'Bearer' && cred.header.toLowerCase() === 'authorization') {
    out.push({
      behaviour: 'no-scheme',
      title: 'API key accepted without the Bearer scheme',
      sent: `your key alone in ${cred.header}, without "Bearer "`,
      why: 'the server accepts credentials in a form it does not document, a sign that the header is parsed loosely',
      send: () => inHeader(cred.token, cred.token, `weak key: your key without the Bearer scheme in ${cred.header}`),
    });
  }
  return out;
}

export default defineCheck(family, {
  id: 'auth-weak-key',
  depth: 'standard',
  async run(ctx) {
    const cred = userCredential(ctx.target);
    if (!cred) {
      ctx.mark('auth.weak-key-handling', 'skipped', 'needs your credentials (--header or --bearer)');
      return [];
    }
    const result = await keyedRoute(ctx, cred);
    if (!result.ok) {
      ctx.mark('auth.weak-key-handling', 'inconclusive', `No route to compare key variants on: ${result.reason}`);
      return [];
    }
    const k = result.keyed;
    const list = variants(ctx, k, cred);
    const sent = await Promise.all(list.map((v) => v.send()));
    const { server } = describeServer(ctx.surface);
    const findings: Finding[] = [];
    for (const [i, v] of list.entries()) {
      let ex = sent[i]!;
      let proof = reached(ex, ctx.options.prompt, k.refused);
      if (!proof) continue;
      let what = v.sent;
      for (const n of v.narrow ?? []) {
        const one = await n.send();
        const oneProof = reached(one, ctx.options.prompt, k.refused);
        if (oneProof) {
          [ex, proof, what] = [one, oneProof, n.sent];
          break;
        }
      }
      findings.push(
        ctx.finding({
          rule: 'auth.weak-key-handling',
          confidence: proof.confidence,
          title: v.title,
          description:
            `${k.route.method} ${k.route.path}${server} refuses requests without a key (${line(k.refused)}) and with a random wrong key (${line(k.wrong)}), ` +
            `but with ${what} it ${proof.summary}: ${v.why}.`,
          exchange: ex,
          baseline: k.wrong,
          extra: [k.refused, k.accepted],
          variant: v.behaviour,
          notes: [`behaviour: ${v.behaviour}`, `your key accepted: ${line(k.accepted)}`],
        }),
      );
    }
    markRateLimited(ctx, ['auth.weak-key-handling'], sent, findings);
    return findings;
  },
});
