// A FastAPI gateway in front of a Mistral model that authenticates with JWTs (PyJWT style), for auth.jwt. Not a product from
// The shape of the in-house gateways teams put in front of vLLM. `HTTPBearer` declares the scheme in OpenAPI and
// answers a missing header with 403 "Not authenticated"; the author's dependency then decodes the token and answers 401
// with PyJWT's message and `WWW-Authenticate: Bearer error="invalid_token"`. How it decodes is the flaw under test:
// - `strict`: jwt.decode(token, SECRET, algorithms=["HS256"]) with exp required — the fixed twin.
// - `alg-none`: an old library that honours the token's own `alg`, so `none` skips the signature.
// - `ignores-exp`: verifies the signature but not the claims (options={"verify_exp": False}).
// - `empty-secret`: SECRET = os.getenv("JWT_SECRET", "") with the variable unset: HS256 under an empty key.
// - `unverified`: jwt.decode(token, options={"verify_signature": False}).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { createFastapiApp, parseFastapiBody, sendDetail, sendValidationError, validateBody } from './fastapi-app.js';
import { type EmulatorRequest, firstHeader, type RunningTarget, startTarget } from './harness.js';
import { answerOpenAI } from './openai-compatible.js';

export type JwtMode = 'strict' | 'alg-none' | 'ignores-exp' | 'empty-secret' | 'unverified';

export const JWT_SECRET = 'gatecrash-test-jwt-secret-0123456789abcdef';
const SECRET_KEY = new TextEncoder().encode(JWT_SECRET);
const MODEL = 'mistral-7b-instruct-v0.3';

/** A user token as the gateway's login would issue it; `expired` puts exp an hour in the past. */
export async function issueToken(o: { expired?: boolean; secret?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const exp = o.expired ? now - 3600 : now + 3600;
  return new SignJWT({ sub: 'alice', role: 'user' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(o.expired ? now - 7200 : now)
    .setExpirationTime(exp)
    .sign(o.secret !== undefined ? new TextEncoder().encode(o.secret) : SECRET_KEY);
}

class InvalidToken extends Error {}

function notExpired(claims: JWTPayload): JWTPayload {
  if (typeof claims.exp !== 'number') throw new InvalidToken('Token is missing the "exp" claim');
  if (claims.exp * 1000 <= Date.now()) throw new InvalidToken('Signature has expired');
  return claims;
}

/** HS256 under an empty key: what PyJWT does with SECRET = "" (jose, through WebCrypto, refuses zero-length keys). */
function verifyEmptySecret(token: string): JWTPayload {
  const parts = token.split('.');
  if (parts.length !== 3) throw new InvalidToken('Not enough segments');
  const header = decodeProtectedHeader(token);
  if (header.alg !== 'HS256') throw new InvalidToken('The specified alg value is not allowed');
  const expected = createHmac('sha256', Buffer.alloc(0)).update(`${parts[0]}.${parts[1]}`).digest();
  const got = Buffer.from(parts[2]!, 'base64url');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new InvalidToken('Signature verification failed');
  return notExpired(decodeJwt(token));
}

async function decodeToken(mode: JwtMode, token: string): Promise<JWTPayload> {
  if (token.split('.').length !== 3) throw new InvalidToken('Not enough segments');
  try {
    switch (mode) {
      case 'strict':
        return (await jwtVerify(token, SECRET_KEY, { algorithms: ['HS256'], requiredClaims: ['exp'] })).payload;
      case 'alg-none':
        if (decodeProtectedHeader(token).alg === 'none') return notExpired(decodeJwt(token));
        return (await jwtVerify(token, SECRET_KEY, { algorithms: ['HS256'], requiredClaims: ['exp'] })).payload;
      case 'ignores-exp':
        await compactVerify(token, SECRET_KEY, { algorithms: ['HS256'] });
        return decodeJwt(token);
      case 'empty-secret':
        return verifyEmptySecret(token);
      case 'unverified':
        return decodeJwt(token);
    }
  } catch (e) {
    if (e instanceof InvalidToken) throw e;
    const code = (e as { code?: string }).code;
    throw new InvalidToken(
      code === 'ERR_JWT_EXPIRED'
        ? 'Signature has expired'
        : code === 'ERR_JOSE_ALG_NOT_ALLOWED'
          ? 'The specified alg value is not allowed'
          : 'Signature verification failed',
    );
  }
}

export async function startJwtService(mode: JwtMode = 'strict'): Promise<RunningTarget> {
  const chat = async (req: EmulatorRequest, res: ServerResponse, raw: IncomingMessage) => {
    const body = parseFastapiBody(req, 2);
    if (!body.ok) return sendValidationError(res, body.errors);
    // HTTPBearer: a missing or non-Bearer header is 403 before the author's code runs.
    const auth = firstHeader(raw, 'authorization') ?? '';
    const m = /^bearer\s+(.+)$/i.exec(auth);
    if (!m) return sendDetail(res, 403, 'Not authenticated');
    try {
      await decodeToken(mode, m[1]!.trim());
    } catch (e) {
      return sendDetail(res, 401, `Invalid token: ${(e as Error).message}`, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    const errors = validateBody({ name: 'ChatRequest', fields: { messages: 'array' } }, body, 2);
    if (errors.length) return sendValidationError(res, errors);
    return answerOpenAI(req, res, body.value as Record<string, unknown>, { kind: 'chat', model: MODEL, defaultMaxTokens: Infinity });
  };
  const handler = createFastapiApp(
    [
      {
        methods: ['POST'],
        path: '/v1/chat/completions',
        name: 'chat_completions',
        body: { name: 'ChatRequest', fields: { messages: 'array' } },
        security: 'HTTPBearer',
        handle: chat,
      },
    ],
    { title: 'LLM Gateway', securitySchemes: { HTTPBearer: { type: 'http', scheme: 'bearer' } } },
  );
  return startTarget(handler, { serverHeader: 'uvicorn' });
}
