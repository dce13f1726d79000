// auth.jwt — JSON Web Tokens that are not verified. With the user's JWT, on a route where it makes the difference (refused
// without it and with a random wrong key), the same one-token request goes out with: the user's claims under `alg: none`;
// the user's token with a changed payload and its old signature; the user's claims signed with an empty HMAC secret (what
// `os.getenv("JWT_SECRET", "")` signs with). The user's own token, when its `exp` is already past and it is accepted, is the
// expired-token proof. Without a user JWT the rule still runs when the server's refusals speak of JWTs (WWW-Authenticate
// `invalid_token`, "jwt", "Not enough segments", "Signature verification failed"): then `alg: none` and empty-secret tokens with
// neutral claims are tried against the refused request. One finding per behaviour.
//
// Tokens are built with jose (UnsecuredJWT, SignJWT, base64url). One exception, on purpose: jose (through WebCrypto) refuses
// zero-length HMAC keys, so the empty-secret token is jose's own HS256 token whose signature segment is then recomputed with
// node:crypto's HMAC under the empty key over the same signing input.

import { createHmac } from 'node:crypto';
import { base64url, decodeJwt, decodeProtectedHeader, type JWTPayload, SignJWT, UnsecuredJWT } from 'jose';
import {
  credentialValue,
  errorText,
  guardedBaseline,
  keyedRoute,
  markRateLimited,
  reached,
  sendWithCredential,
  type UserCredential,
  userCredential,
  wrongKey,
} from '../../probes/credentials.js';
import { line } from '../../probes/differential.js';
import { isRefused } from '../../surface/answer.js';

import { describeServer } from '../../surface/inference.js';
import type { Exchange, Finding } from '../../types.js';
import { type CheckContext, defineCheck } from '../define.js';
import family from './index.js';

/** The JWT inside a credential value (after an optional scheme), or null. */
export function jwtOf(value: string): string | null {
  const token = value.trim().replace(/^bearer\s+/i, '');
  if (!/^[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*$/.test(token)) return null;
  try {
    decodeProtectedHeader(token);
    decodeJwt(token);
    return token;
  } catch {
    return null;
  }
}

/** Refusal wording that means the server parses JWTs (PyJWT, jsonwebtoken, jose, RFC 6750's invalid_token). */
const JWT_WORDS = /\b(jwt|jws|json web token)s?\b|not enough segments|signature verification failed|invalid_token|jwt malformed|invalid signature/i;

export function revealsJwt(ex: Exchange | undefined): boolean {
  if (!ex?.response || !isRefused(ex)) return false;
  return JWT_WORDS.test(ex.response.headers['www-authenticate'] ?? '') || JWT_WORDS.test(errorText(ex));
}

type Behaviour = 'alg-none' | 'tampered-payload' | 'empty-secret' | 'expired';

const WHY: Record<Behaviour, { title: string; sent: string; why: string }> = {
  'alg-none': {
    title: 'JWT with alg "none" accepted',
    sent: 'an unsigned token (alg "none")',
    why: 'the server does not pin the signing algorithm, so anyone can write a token with any claims',
  },
  'tampered-payload': {
    title: 'JWT with a changed payload accepted',
    sent: 'your token with a changed payload and its old signature',
    why: 'the signature is not verified (the token is decoded, not checked), so claims can be rewritten at will',
  },
  'empty-secret': {
    title: 'JWT signed with an empty secret accepted',
    sent: 'a token signed with HS256 and an empty secret',
    why: 'the server verifies with an empty HMAC secret (an unset secret variable), so anyone can sign tokens',
  },
  expired: {
    title: 'Expired JWT accepted',
    sent: 'your token, whose exp is in the past',
    why: 'the server does not check exp, so a leaked token never stops working',
  },
};

async function emptySecretToken(claims: JWTPayload): Promise<string> {
  const placeholder = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new Uint8Array(32).fill(7));
  const [header, payload] = placeholder.split('.');
  const signature = createHmac('sha256', Buffer.alloc(0)).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

function tamperedToken(token: string, claims: JWTPayload): string {
  const [header, , signature] = token.split('.');
  return `${header}.${base64url.encode(JSON.stringify({ ...claims, gatecrash: 'tampered' }))}.${signature}`;
}

interface Forged {
  behaviour: Behaviour;
  token: string;
}

async function forgeFrom(claims: JWTPayload, userToken?: string): Promise<Forged[]> {
  const out: Forged[] = [{ behaviour: 'alg-none', token: new UnsecuredJWT(claims).encode() }];
  if (userToken) out.push({ behaviour: 'tampered-payload', token: tamperedToken(userToken, claims) });
  out.push({ behaviour: 'empty-secret', token: await emptySecretToken(claims) });
  return out;
}

function finding(
  ctx: CheckContext,
  behaviour: Behaviour,
  ex: Exchange,
  refused: Exchange,
  wrong: Exchange,
  where: string,
  proofSummary: string,
  confidence: Finding['confidence'],
  extraNotes: string[] = [],
): Finding {
  const { server } = describeServer(ctx.surface);
  const w = WHY[behaviour];
  return ctx.finding({
    rule: 'auth.jwt',
    confidence,
    title: w.title,
    description:
      `${where}${server} refuses requests without a token (${line(refused)}) and with a random wrong one (${line(wrong)}), ` +
      `but with ${w.sent} it ${proofSummary}: ${w.why}.`,
    exchange: ex,
    baseline: refused,
    extra: [wrong],
    variant: behaviour,
    notes: [`behaviour: ${behaviour}`, ...extraNotes],
  });
}

async function withUserJwt(ctx: CheckContext, cred: UserCredential, token: string): Promise<Finding[]> {
  const result = await keyedRoute(ctx, cred);
  if (!result.ok) {
    ctx.mark('auth.jwt', 'inconclusive', `No route to compare tokens on: ${result.reason}`);
    return [];
  }
  const k = result.keyed;
  const claims = decodeJwt(token);
  const [, payloadSeg, signatureSeg] = token.split('.');
  // The forged tokens carry the user's claims and signature: redact those segments wherever they appear.
  const secrets = [payloadSeg!, signatureSeg!].filter((s) => s.length >= 8);
  const forged = await forgeFrom(claims, token);
  const b = { request: k.request };
  const sent = await Promise.all(
    forged.map((f) =>
      sendWithCredential(ctx, b, {
        purpose: `JWT: ${WHY[f.behaviour].sent} in ${cred.header}`,
        headers: { ...cred.others, [cred.header]: credentialValue(cred, f.token) },
        secrets: [...secrets, f.token],
      }),
    ),
  );
  const where = `${k.route.method} ${k.route.path}`;
  const findings: Finding[] = [];
  forged.forEach((f, i) => {
    const proof = reached(sent[i], ctx.options.prompt, k.refused);
    if (proof) findings.push(finding(ctx, f.behaviour, sent[i]!, k.refused, k.wrong, where, proof.summary, proof.confidence));
  });
  markRateLimited(ctx, ['auth.jwt'], sent, findings);
  if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) {
    findings.push(
      finding(ctx, 'expired', k.accepted, k.refused, k.wrong, where, k.proof.summary, k.proof.confidence, [
        `exp ${new Date(claims.exp * 1000).toISOString()} was already past when the token was accepted`,
      ]),
    );
  }
  return findings;
}

async function withoutUserJwt(ctx: CheckContext): Promise<Finding[] | null> {
  const b = await guardedBaseline(ctx);
  if (!b) return null;
  // A wrong token is what makes a JWT server talk (a missing one often gets a bare "Not authenticated"); this is
  // auth.header-bypass's own wrong-key probe when Authorization is among its headers, so it is sent once.
  const slot = { name: 'Authorization', scheme: 'Bearer' as const };
  const wrong = await sendWithCredential(ctx, b, {
    purpose: 'header bypass: random wrong key in Authorization',
    headers: { Authorization: credentialValue(slot, wrongKey(ctx.surface, 0, userCredential(ctx.target)?.token)) },
  });
  if (![...ctx.surface.signals.all, b.baseline, wrong].some(revealsJwt)) return null;
  if (!isRefused(wrong)) {
    ctx.mark('auth.jwt', 'inconclusive', `${line(wrong)}: a random wrong token was not refused, so forged tokens prove nothing.`);
    return [];
  }
  const now = Math.floor(Date.now() / 1000);
  const forged = await forgeFrom({ sub: 'gatecrash-probe', iat: now, exp: now + 600 });
  const sent = await Promise.all(
    forged.map((f) =>
      sendWithCredential(ctx, b, {
        purpose: `JWT: ${WHY[f.behaviour].sent} (the server's errors speak of JWTs)`,
        headers: { Authorization: credentialValue(slot, f.token) },
      }),
    ),
  );
  const where = `${b.route.method} ${b.route.path}`;
  const findings: Finding[] = [];
  forged.forEach((f, i) => {
    const proof = reached(sent[i], ctx.options.prompt, b.baseline);
    if (proof)
      findings.push(
        finding(ctx, f.behaviour, sent[i]!, b.baseline, wrong, where, proof.summary, proof.confidence, [
          "no token was given: the server's refusals revealed JWT use",
        ]),
      );
  });
  markRateLimited(ctx, ['auth.jwt'], sent, findings);
  return findings;
}

export default defineCheck(family, {
  id: 'auth-jwt',
  depth: 'standard',
  async run(ctx) {
    const entries = Object.entries(ctx.target.credentials);
    const jwtEntry = entries.find(([, v]) => jwtOf(v) !== null);
    if (jwtEntry) {
      const cred = userCredential(ctx.target, jwtEntry[0])!;
      return withUserJwt(ctx, cred, jwtOf(jwtEntry[1])!);
    }
    const found = await withoutUserJwt(ctx);
    if (found === null) ctx.mark('auth.jwt', 'skipped', 'needs a JWT among your credentials (--bearer <jwt>), or a server whose refusals reveal JWT use');
    return found ?? [];
  },
});
