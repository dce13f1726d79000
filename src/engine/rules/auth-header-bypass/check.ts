// auth.header-bypass and auth.insecure-default-key — crafted credential values against a guarded route, no valid key known.
//
// The probes: an empty value of the credential header, `Bearer ` with an empty token (which is also the scheme
// alone on the wire: HTTP strips trailing whitespace from field values), the placeholders None, null, undefined, false, 0,
// [object Object] (in a Bearer header both bare and after `Bearer `), the header sent twice (a wrong key, then an empty value), and other credential
// headers with a random wrong key. Each is judged on the one-token request that was refused without credentials; a random
// wrong key in the same header must be refused too, or the variants prove nothing. The crafted values are wrong keys as
// well, so they first travel in the scan's wrong-credential burst (credential-burst.ts, shared with auth.brute-force); only
// the ones it did not see refused are sent again with the one-token body.
//
// How the two rules split, so that one accepted value yields exactly one finding:
// - The server-side token of a value is the value without a leading `Bearer` scheme ("Bearer None" → "None"; "" and
//   "Bearer " → ""). Accepted values are grouped by (header, token); each group is one finding, shown by its first spelling
//   and listing the others in the notes.
// - Token "", "None", "null" or "undefined" — what an unset variable renders as (`os.getenv(K, "")`, f"{os.getenv(K)}",
//   `${process.env.K}`, JSON null) — is auth.insecure-default-key: the key check compares against its own fallback.
// - Every other accepted value is auth.header-bypass: "false", "0", "[object Object]" (type confusion), a wrong key accepted
//   in another header (read without validation), a wrong key accepted in the learned header while no header is refused
//   (presence checked, value not), and the duplicate header accepted while its empty value alone is refused.

import { credentialBurst, placeholdersFor, refusedInBurst, twiceValues } from '../../probes/credential-burst.js';
import {
  type CredentialSlot,
  credentialSlots,
  credentialValue,
  guardedBaseline,
  markRateLimited,
  reached,
  sendWithCredential,
  userCredential,
  wrongKey,
} from '../../probes/credentials.js';
import { type GuardedBaseline, line, noBaseline, type Proof } from '../../probes/differential.js';
import { isRefused } from '../../surface/answer.js';
import { describeServer } from '../../surface/inference.js';
import type { Exchange, Finding, RuleId } from '../../types.js';
import { type CheckContext, defineCheck } from '../define.js';
import family from './index.js';

/** Values an unset variable renders as; an accepted one of these means the server falls back to it. */
export const UNSET_RENDERINGS = ['', 'None', 'null', 'undefined'];

/** The token a server compares after taking the scheme off. */
export function serverToken(value: string): string {
  return value.replace(/^Bearer(\s+|$)/i, '').trim();
}

export function ruleForAcceptedValue(value: string): Extract<RuleId, 'auth.insecure-default-key' | 'auth.header-bypass'> {
  return UNSET_RENDERINGS.includes(serverToken(value)) ? 'auth.insecure-default-key' : 'auth.header-bypass';
}

function show(value: string): string {
  return JSON.stringify(value);
}

const RENDERING_WORDS: Record<string, string> = {
  '': 'an empty string, what `os.getenv("KEY", "")` or an empty environment variable gives',
  None: 'Python\'s None rendered as text, what `f"Bearer {os.getenv(\'KEY\')}"` or `str(os.getenv("KEY"))` gives when KEY is unset',
  null: 'null rendered as text, what a missing JSON/YAML setting or `String(null)` gives',
  undefined: "JavaScript's undefined rendered as text, what `${process.env.KEY}` gives when KEY is unset",
};

const DEFAULT_KEY_REMEDIATION =
  'Fail closed at start-up: read the key with os.environ["KEY"] (or check it explicitly) and refuse to start, or refuse every request, ' +
  'when it is unset or empty; never compare against a fallback such as os.getenv("KEY", "") or f"Bearer {os.getenv(\'KEY\')}". ' +
  'Then compare the full value in constant time (hmac.compare_digest / crypto.timingSafeEqual).';

interface Accepted {
  slot: CredentialSlot;
  value: string;
  exchange: Exchange;
  proof: Proof;
}

async function probeSlots(ctx: CheckContext, b: GuardedBaseline) {
  const { primary, alternates } = credentialSlots(ctx.surface);
  // Shaped like the user's key when there is one: then it is the very wrong-key request the authenticated rules send too.
  const key = wrongKey(ctx.surface, 0, userCredential(ctx.target)?.token);
  const send = (slot: CredentialSlot, value: string, purpose: string) => sendWithCredential(ctx, b, { purpose, headers: { [slot.name]: value } });
  // Round 1: a random wrong key in every header. In a primary header it is the second baseline; in an alternate one it is the probe.
  const [wrongs, burst] = await Promise.all([
    Promise.all([...primary, ...alternates].map((slot) => send(slot, credentialValue(slot, key), `header bypass: random wrong key in ${slot.name}`))),
    credentialBurst(ctx),
  ]);
  const wrongBy = new Map<CredentialSlot, Exchange>([...primary, ...alternates].map((s, i) => [s, wrongs[i]!]));
  // Round 2: the crafted values in each primary header whose wrong key was refused. The wrong-credential burst already sent
  // each of them with discovery's prompt-less body: a value it saw refused is refused (the key check runs before the body
  // is read); a value that got through, or one the burst did not reach, goes with the one-token request to prove it.
  const tested = primary.filter((slot) => isRefused(wrongBy.get(slot)));
  const placeholders = await Promise.all(
    tested.map(async (slot) => {
      const values = placeholdersFor(slot);
      const single = await Promise.all(
        values.map((v) => refusedInBurst(burst, b.route, slot, 'placeholder', v) ?? send(slot, v, `header bypass: ${slot.name}: ${show(v)}`)),
      );
      const twice =
        refusedInBurst(burst, b.route, slot, 'twice') ??
        (await sendWithCredential(ctx, b, {
          purpose: `header bypass: ${slot.name} sent twice (a wrong key, then an empty value)`,
          repeatedHeaders: { [slot.name]: twiceValues(slot, key) },
        }));
      return { slot, values, single, twice };
    }),
  );
  return { primary, alternates, wrongBy, placeholders };
}

export default defineCheck(family, {
  id: 'auth-header-bypass',
  depth: 'standard',
  async run(ctx) {
    const b = await guardedBaseline(ctx);
    if (!b) {
      // Guarded routes whose one-token request was not refused get the answer it got; otherwise there is no guard at all.
      const why = await noBaseline(ctx);
      const reason =
        why.status === 'inconclusive' ? why.reason : 'No inference route refused a one-token request without credentials, so there is no guard to bypass.';
      ctx.mark('auth.header-bypass', 'inconclusive', reason);
      ctx.mark('auth.insecure-default-key', 'inconclusive', reason);
      return [];
    }
    const prompt = ctx.options.prompt;
    const { server } = describeServer(ctx.surface);
    const where = `${b.route.method} ${b.route.path}`;
    const { primary, alternates, wrongBy, placeholders } = await probeSlots(ctx, b);
    const findings: Finding[] = [];

    // A wrong key accepted where no header is refused: the header is read, its value is not checked.
    for (const slot of [...primary, ...alternates]) {
      const ex = wrongBy.get(slot)!;
      const proof = reached(ex, prompt, b.baseline);
      if (!proof) continue;
      const alternate = alternates.includes(slot);
      findings.push(
        ctx.finding({
          rule: 'auth.header-bypass',
          confidence: proof.confidence,
          title: alternate ? `Credential header ${slot.name} is read without validation` : `Any value of ${slot.name} is accepted`,
          description:
            `${where}${server} refused a one-token request without credentials (${line(b.baseline)}), but the same request with a random ` +
            `wrong key in ${slot.name} ${proof.summary}: ` +
            `${alternate ? 'the server reads this header and lets any value through' : 'the server checks that the header is present, not its value'}.`,
          exchange: ex,
          baseline: b.baseline,
          variant: `${slot.name.toLowerCase()}=<random>`,
          notes: [`header: ${slot.name}`, 'accepted value: a random wrong key'],
        }),
      );
    }

    for (const { slot, values, single, twice } of placeholders) {
      const wrong = wrongBy.get(slot)!;
      const accepted: Accepted[] = [];
      values.forEach((value, i) => {
        const proof = reached(single[i], prompt, b.baseline);
        if (proof) accepted.push({ slot, value, exchange: single[i]!, proof });
      });
      const groups = new Map<string, Accepted[]>();
      for (const a of accepted) {
        const token = serverToken(a.value);
        groups.set(token, [...(groups.get(token) ?? []), a]);
      }
      for (const [token, group] of groups) {
        const first = group[0]!;
        const rule = ruleForAcceptedValue(first.value);
        const also = group.slice(1).map((a) => show(a.value));
        const notes = [
          `header: ${slot.name}`,
          `accepted value: ${show(first.value)}`,
          ...(also.length ? [`also accepted: ${also.join(', ')}`] : []),
          `wrong key refused: ${line(wrong)}`,
        ];
        const refusedBoth = `refused without credentials (${line(b.baseline)}) and with a random wrong key (${line(wrong)})`;
        if (rule === 'auth.insecure-default-key') {
          findings.push(
            ctx.finding({
              rule,
              confidence: first.proof.confidence,
              title: `Server accepts ${slot.name}: ${show(first.value)}, the value of an unset key`,
              description:
                `${where}${server} ${refusedBoth}, but with ${slot.name}: ${show(first.value)} it ${first.proof.summary}. ` +
                `${show(token)} is ${RENDERING_WORDS[token] ?? 'the rendering of an unset variable'}: the server compares against the value its key ` +
                'variable falls back to when no key is configured, so the key check fails open and anyone who sends that value is let in.',
              exchange: first.exchange,
              baseline: b.baseline,
              extra: [wrong],
              variant: `${slot.name.toLowerCase()}=${show(token)}`,
              notes,
              remediation: DEFAULT_KEY_REMEDIATION,
            }),
          );
        } else {
          findings.push(
            ctx.finding({
              rule,
              confidence: first.proof.confidence,
              title: `Crafted credential ${slot.name}: ${show(first.value)} accepted`,
              description:
                `${where}${server} ${refusedBoth}, but with the placeholder ${slot.name}: ${show(first.value)} it ${first.proof.summary}: ` +
                'the key check lets a value through that is not the key (a loose or type-confused comparison).',
              exchange: first.exchange,
              baseline: b.baseline,
              extra: [wrong],
              variant: `${slot.name.toLowerCase()}=${show(token)}`,
              notes,
            }),
          );
        }
      }
      // The duplicate counts only when its empty value alone was refused: otherwise it is the empty-value finding again.
      const emptyAlone = single[values.indexOf('')];
      const dupProof = reached(twice, prompt, b.baseline);
      if (dupProof && !reached(emptyAlone, prompt, b.baseline)) {
        findings.push(
          ctx.finding({
            rule: 'auth.header-bypass',
            confidence: dupProof.confidence,
            title: `${slot.name} sent twice bypasses the key check`,
            description:
              `${where}${server} refused the request without credentials (${line(b.baseline)}), with a random wrong key (${line(wrong)}) and with an empty ` +
              `${slot.name} (${emptyAlone ? line(emptyAlone) : 'refused'}), but with ${slot.name} sent twice (the wrong key, then an empty value) it ` +
              `${dupProof.summary}: the check and the code behind it read different occurrences of the header.`,
            exchange: twice,
            baseline: b.baseline,
            extra: [wrong, ...(emptyAlone ? [emptyAlone] : [])],
            variant: `${slot.name.toLowerCase()}=<twice>`,
            notes: [`header: ${slot.name} (two field lines: a random wrong key, then "")`],
          }),
        );
      }
    }
    // Probes answered 429 were not judged: without a finding, say so rather than pass.
    markRateLimited(
      ctx,
      ['auth.header-bypass', 'auth.insecure-default-key'],
      [...wrongBy.values(), ...placeholders.flatMap((p) => [...p.single, p.twice])],
      findings,
    );
    return findings;
  },
});
