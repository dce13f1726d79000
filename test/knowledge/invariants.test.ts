// What every snippet must get right, checked on the code itself: fail closed at start-up, constant-time comparison, every
// route covered, no Host-derived paths, and no value from a hostile finding leaking into generated code.
import { describe, expect, it } from 'vitest';
import { contextFromFinding, type FindingLike, type RemediationSnippet, remediationFor, renderTutorialWrapperApp } from '../../src/knowledge/index.js';
import { allSnippets, codeLines, type Rendered } from './helpers.js';

const ALL = allSnippets();
const by = (pred: (r: Rendered) => boolean): Rendered[] => ALL.filter(pred);
const where = (r: Rendered): string => `${r.rule} × ${r.framework} (${r.variant})`;

/** A line comparing something key-like with `!=` / `!==` (the tutorial's `x_api_key != API_KEY`). */
const KEY_INEQUALITY =
  /(!==?|<>).*(key|token|secret|digest|credential|expected|authorization)|(key|token|secret|digest|credential|expected|authorization).*(!==?|<>)/i;
/** The tutorial wrapper's fail-open default: an unset variable becomes "" (or any default) and is then the key. */
const KEY_DEFAULT =
  /(getenv|environ\.get|process\.env\[[^\]]+\]|process\.env\.\w+)\s*\(?\s*("[^"]*(KEY|SECRET|TOKEN|PASSWORD)[^"]*"|'[^']*(KEY|SECRET|TOKEN|PASSWORD)[^']*')?\s*,\s*(""|'')|\b\w*(KEY|SECRET|TOKEN)\w*\s*(\?\?|\|\|)\s*(''|"")/i;

describe('Python app snippets (FastAPI, Starlette, Flask, wrapper)', () => {
  const python = by((r) => r.snippet.language === 'python');

  it('fail closed at start-up: the key (or JWT secret) is read without a default and its absence raises SystemExit', () => {
    expect(python.length).toBeGreaterThan(100);
    for (const r of python) {
      const code = r.snippet.code;
      expect(code, where(r)).toMatch(/raise SystemExit\(/);
      if (/JWT_SECRET = require_jwt_secret\("JWT_SECRET"\)/.test(code)) {
        expect(code, where(r)).toMatch(/value = os\.environ\.get\(name\)\n\s+if value is None or len\(value\.encode\("utf-8"\)\) < 32:/);
      } else {
        expect(code, where(r)).toMatch(/API_KEY_DIGEST = require_secret\("[A-Z_]+"\)/);
        expect(code, where(r)).toMatch(/value = os\.environ\.get\(name\)\n\s+if value is None or value\.strip\(\) in _UNSET_RENDERINGS:/);
      }
    }
  });

  it('compare in constant time, over digests, and never with != against the key', () => {
    for (const r of python) {
      const code = r.snippet.code;
      if (code.includes('verify_jwt(')) {
        expect(code, where(r)).toMatch(/algorithms=JWT_ALGORITHMS/);
        expect(code, where(r)).toMatch(/options=\{"require": \["exp"\]\}/);
      } else {
        expect(code, where(r)).toMatch(/hmac\.compare_digest\(hashlib\.sha256\(presented\)\.digest\(\), expected_digest\)/);
      }
      for (const line of codeLines(r.snippet)) {
        expect(line, where(r)).not.toMatch(KEY_INEQUALITY);
        expect(line, where(r)).not.toMatch(KEY_DEFAULT);
      }
      expect(codeLines(r.snippet).join('\n'), where(r)).not.toMatch(/os\.getenv\([^)]*,\s*(""|'')\)/);
    }
  });

  it('cover every route: FastAPI by an app-wide dependency with the docs routes off, Starlette by middleware, Flask by before_request', () => {
    for (const r of python) {
      const code = r.snippet.code;
      if (r.framework === 'fastapi') {
        expect(code, where(r)).toMatch(/app = FastAPI\([\s\S]*dependencies=\[Depends\(require_(api_key|jwt)\)\]/);
        expect(code, where(r)).toMatch(/docs_url=None,\s+redoc_url=None,\s+openapi_url=None/);
        expect(codeLines(r.snippet).join('\n'), where(r)).not.toMatch(/app\.mount\(/);
      }
      if (r.framework === 'wrapper') {
        expect(code, where(r)).toMatch(/@require_api_key\nasync def mistral_chat/);
        expect(code, where(r)).toMatch(/docs_url=None, redoc_url=None, openapi_url=None/);
      }
      if (r.framework === 'starlette') {
        expect(code, where(r)).toMatch(/Middleware\(RequireCredential, /);
        expect(code, where(r)).toMatch(/if scope\["type"\] not in \("http", "websocket"\)/);
      }
      if (r.framework === 'flask') expect(code, where(r)).toMatch(/@app\.before_request\ndef require_credential\(\)/);
    }
  });

  it('never build paths from the Host header', () => {
    for (const r of python) {
      for (const line of codeLines(r.snippet)) {
        expect(line, where(r)).not.toMatch(/request\.url\b(?!_)/);
        expect(line, where(r)).not.toMatch(/request\.base_url|request\.host_url|request\.url_root/);
      }
    }
  });
});

describe('Express snippets', () => {
  const js = by((r) => r.framework === 'express');

  it('fail closed, compare with timingSafeEqual over SHA-256 digests, check before parsing bodies and before every route', () => {
    expect(js.length).toBeGreaterThan(30);
    for (const r of js) {
      const code = r.snippet.code;
      expect(code, where(r)).toMatch(/process\.exit\(1\)/);
      if (code.includes('verifyJwt(')) {
        expect(code, where(r)).toMatch(/algorithms: JWT_ALGORITHMS/);
        expect(code, where(r)).toMatch(/requiredClaims: \['exp'\]/);
      } else {
        expect(code, where(r)).toMatch(/timingSafeEqual\(createHash\('sha256'\)\.update\(presented, 'utf8'\)\.digest\(\), expectedDigest\)/);
        expect(code, where(r)).toMatch(/const API_KEY_DIGEST = requireSecret\("[A-Z_]+"\);/);
      }
      const auth = code.indexOf('// First of all');
      expect(auth, where(r)).toBeGreaterThan(0);
      expect(auth, where(r)).toBeLessThan(code.indexOf('app.use(express.json('));
      expect(auth, where(r)).toBeLessThan(code.indexOf('app.post('));
      expect(code, where(r)).toMatch(/req\.headersDistinct/);
      for (const line of codeLines(r.snippet)) {
        expect(line, where(r)).not.toMatch(KEY_INEQUALITY);
        expect(line, where(r)).not.toMatch(KEY_DEFAULT);
        expect(line, where(r)).not.toMatch(/req\.(hostname|host|originalUrl|protocol)\b|headers\.host\b.*path/);
      }
    }
  });
});

describe('server start-up scripts', () => {
  const scripts = by((r) => r.snippet.language === 'bash');

  it('stop before the server starts when its key is unset, empty or a placeholder', () => {
    for (const r of scripts) {
      const code = r.snippet.code;
      expect(code, where(r)).toMatch(/^#!\/usr\/bin\/env bash\n/);
      expect(code, where(r)).toMatch(/\nset -euo pipefail\n/);
      if (r.framework === 'ollama') {
        expect(code, where(r)).toMatch(/case "\$OLLAMA_HOST" in\n\s+127\.0\.0\.1:\*\|localhost:\*/);
        expect(code, where(r)).toMatch(/exit 1/);
        continue;
      }
      const m = /: "\$\{([A-Z_]+):\?\1 must be set to a non-empty key/.exec(code);
      expect(m, `${where(r)} has a fail-closed key check`).not.toBeNull();
      const checkAt = code.indexOf(m![0]);
      expect(checkAt, where(r)).toBeLessThan(code.indexOf('\nexec '));
      expect(code, where(r)).toMatch(/None\|null\|undefined\) echo/);
    }
  });

  it('bind to loopback whenever the server needs the proxy, and say so', () => {
    for (const r of scripts) {
      if (!r.snippet.summary.includes('cannot close this alone')) continue;
      expect(r.snippet.code, where(r)).toMatch(/127\.0\.0\.1/);
      expect(r.snippet.code, where(r)).toMatch(/cannot close this alone/);
      expect(r.snippet.apply.join('\n'), where(r)).toMatch(/framework nginx/);
    }
  });
});

describe('nginx and Caddy snippets', () => {
  it('nginx: keys from a file that must exist, exact shape, deny by default, the key checked on every forwarded route', () => {
    for (const r of by((x) => x.framework === 'nginx')) {
      const s = r.snippet;
      expect(s.code, where(r)).toMatch(
        /map \$http_[a-z_]+ \$llm_presented_key \{\n\s+default "";\n\s+"~\^(Bearer )?\(\?<llm_key>\[0-9a-f\]\{32\}\)\$" \$llm_key;/,
      );
      expect(s.code, where(r)).toMatch(/map \$llm_presented_key \$llm_api_key_ok \{\n\s+default 0;\n\s+""\s+0;\n\s+include \/[^;]+;\n\}/);
      expect(s.code, where(r)).toMatch(/# Deny by default: anything not listed above\.\n\s+location \/ \{\n\s+return 404/);
      const blocks = s.code.split(/\n {4}location /).slice(1);
      for (const b of blocks) {
        if (!b.includes('proxy_pass')) continue;
        if (b.startsWith('= /metrics')) {
          expect(b, where(r)).toMatch(/deny all;/);
          continue;
        }
        expect(b, `${where(r)}: ${b.split('\n')[0]}`).toMatch(/auth_request \/_gatecrash_llm_auth;/);
        expect(b, where(r)).toMatch(/proxy_set_header Host \$proxy_host;/);
      }
      expect(s.code, where(r)).not.toMatch(/\$http_host/);
    }
  });

  it('Caddy: an unset key can never match, deny by default, fixed upstream Host', () => {
    for (const r of by((x) => x.framework === 'caddy')) {
      const code = r.snippet.code;
      expect(code, where(r)).toMatch(/not expression `size\("\{\$LLM_API_KEY\}"\) >= 32 && \{header\.[A-Za-z-]+\} == "(Bearer )?\{\$LLM_API_KEY\}"`/);
      expect(code, where(r)).toMatch(/# Deny by default: anything not listed above\.\n\thandle \{\n\t\trespond `\{"error":"not found"\}` 404/);
      expect(code, where(r)).toMatch(/header_up Host \{upstream_hostport\}/);
      expect(code, where(r)).not.toMatch(/@llm_denied path\s*\n/);
    }
  });
});

describe('values from a scanned server never reach generated code unchecked', () => {
  const hostile: FindingLike = {
    rule: 'auth.missing',
    endpoint: { method: 'POST', url: 'http://10.0.0.9:8000/gen\'erate";import os' },
    evidence: {
      request: { method: 'POST', url: 'http://10.0.0.9:8000/x', body: '{"model":"m$(touch /tmp/pwn)","text":"hi"}', headers: {} },
      response: { status: 422, body: '{"detail":[{"loc":["header","x-key\\"; os.system(1) #"],"msg":"field required"}]}' },
      notes: ['credential header: X-Key";rm -rf /'],
    },
    server: { product: 'fastapi', version: null, modelFamily: null },
  };

  it('header names, paths and models that do not match strict patterns fall back to defaults', () => {
    const ctx = contextFromFinding(hostile, { framework: 'fastapi' });
    expect(ctx.headerName).toMatch(/^[A-Za-z][A-Za-z0-9-]*$/);
    expect(ctx.paths.every((p) => /^\/[A-Za-z0-9._~/-]*$/.test(p))).toBe(true);
    expect(ctx.model).not.toMatch(/\$|\(/);
    for (const fw of ['fastapi', 'starlette', 'flask', 'express', 'wrapper', 'nginx', 'caddy', 'vllm'] as const) {
      const s = remediationFor('auth.missing', fw, contextFromFinding(hostile, { framework: fw }));
      for (const bad of ['os.system', 'rm -rf', 'touch /tmp', "gen'erate", 'import os"']) {
        expect(s.code, `${fw}: ${bad}`).not.toContain(bad);
        for (const v of s.verify) expect(v, `${fw}: ${bad}`).not.toContain(bad);
      }
    }
  });
});

describe('the tutorial app rendered for tests', () => {
  it('is the tutorial\'s POST /generate {"text"} → {"generated"}, keyed on MISTRAL_API_KEY, with an injectable model call', () => {
    for (const fw of ['fastapi', 'starlette', 'flask', 'wrapper'] as const) {
      const s: RemediationSnippet = renderTutorialWrapperApp(fw, { model: { kind: 'code', body: 'return "[INST] " + prompt' } });
      expect(s.code).toMatch(/"\/generate"/);
      expect(s.code).toMatch(/"generated"/);
      expect(s.code).toMatch(/require_secret\("MISTRAL_API_KEY"\)/);
      expect(s.code).toContain(
        'def generate_text(prompt: str, max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS) -> str:\n    """The ' +
          'model call (injected)."""\n    return "[INST] " + prompt',
      );
    }
    const express = renderTutorialWrapperApp('express');
    expect(express.code).toMatch(/app\.post\("\/generate"/);
    expect(express.code).toMatch(/requireSecret\("MISTRAL_API_KEY"\)/);
  });
});
