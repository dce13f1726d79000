// Remediation snippets: one rule (or several) on one framework, filled from a context, with apply and verify steps.

import { profileById } from '../engine/profiles/index.js';
import { RULES } from '../engine/rules/index.js';
import { RULE_IDS, type RuleId } from '../engine/types.js';
import { applyOverrides, defaultContext } from './context.js';
import { rescanCommand, ruleStatusCommand } from './curl.js';
import { FRAMEWORK_INFO, isFramework, isProxyFramework, isServerFramework } from './framework-info.js';
import { frameworkForFinding, productFacts } from './frameworks.js';
import type { RuleKnowledge, ServerFix } from './model.js';
import { KNOWLEDGE } from './rules/index.js';
import { renderCaddy } from './templates/caddy.js';
import { renderExpress } from './templates/express.js';
import { renderFastApi } from './templates/fastapi.js';
import type { AppFeature, AppRenderInput, ModelCall } from './templates/features.js';
import { appRoute } from './templates/features.js';
import { renderFlask } from './templates/flask.js';
import { renderNginx } from './templates/nginx.js';
import { type DenyRoute, denyRoutes, type ProxyFeature, type RouteFamily, routeFamilies } from './templates/proxy.js';
import { renderServerScript, type ServerAspect } from './templates/servers.js';
import { renderStarlette } from './templates/starlette.js';
import { renderWrapper } from './templates/wrapper.js';
import type { AppFramework, FindingLike, Framework, ProxyFramework, RemediationContext, RemediationSnippet, ServerFramework } from './types.js';
import { FRAMEWORKS } from './types.js';

/** A rule id the catalog does not know. */
export class UnknownRuleError extends Error {
  constructor(readonly rule: string) {
    super(`Unknown rule "${rule}". Valid rules: ${RULE_IDS.join(', ')}.`);
    this.name = 'UnknownRuleError';
  }
}

/** A framework the knowledge base has no fix for, for this rule. */
export class NotApplicableError extends Error {
  constructor(
    readonly rule: RuleId,
    readonly framework: string,
    readonly valid: Framework[],
  ) {
    super(
      isFramework(framework)
        ? `There is no ${FRAMEWORK_INFO[framework].name} fix for ${rule}. Valid frameworks for this rule: ${valid.join(', ')}.`
        : `Unknown framework "${framework}". Valid frameworks for ${rule}: ${valid.join(', ')}.`,
    );
    this.name = 'NotApplicableError';
  }
}

export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value);
}

export function knowledgeFor(rule: string): RuleKnowledge {
  if (!isRuleId(rule)) throw new UnknownRuleError(rule);
  return KNOWLEDGE[rule];
}

/** Frameworks with a fix for the rule, in the canonical order of FRAMEWORKS. */
export function applicableFrameworks(rule: RuleId): Framework[] {
  const fix = knowledgeFor(rule).fix;
  const set = new Set<Framework>();
  for (const f of fix.app?.frameworks ?? []) set.add(f);
  if (fix.wrapper) set.add('wrapper');
  for (const f of fix.proxy?.frameworks ?? []) set.add(f);
  for (const f of Object.keys(fix.servers ?? {})) set.add(f as ServerFramework);
  return FRAMEWORKS.filter((f) => set.has(f));
}

export function isApplicable(rule: RuleId, framework: string): boolean {
  return isFramework(framework) && applicableFrameworks(rule).includes(framework);
}

/**
 * The framework suggest_remediation uses when none is named: the finding's product when it has a fix for the rule;
 * otherwise a proxy for servers (their own flags cannot fix it), or the app frameworks for apps and unknown servers.
 */
export function defaultFrameworkFor(rule: RuleId, finding?: Partial<FindingLike> | null): Framework {
  const valid = applicableFrameworks(rule);
  const preferred = frameworkForFinding(finding);
  if (valid.includes(preferred)) return preferred;
  const chain: Framework[] =
    isServerFramework(preferred) || isProxyFramework(preferred)
      ? ['nginx', 'caddy', 'fastapi', 'starlette', 'wrapper']
      : ['fastapi', 'starlette', 'flask', 'wrapper', 'nginx', 'caddy'];
  return chain.find((f) => valid.includes(f)) ?? valid[0]!;
}

export interface RemediationOptions {
  /** How the generated app calls the model (app frameworks and wrapper). Default: the tutorial's transformers code. */
  model?: ModelCall;
}

const RULE_ROUTE_FAMILY: Partial<Record<RuleId, RouteFamily>> = {
  'auth.admin-exposed': 'management',
  'auth.alternate-path': 'alternate',
  'exposure.prompt-data': 'promptData',
  'llm.system-prompt-exposure': 'template',
};
/** Where a product lists its models, beside the OpenAI list every other one answers: its profile's first own list. */
function listingPath(product: string): string {
  const own = profileById(product)?.modelSources?.find((s) => s.path !== '/v1/models');
  return own?.path ?? '/v1/models';
}

/**
 * Without a finding, the route a rule is typically found on for the product (vLLM's /invocations for an alternate path,
 * Ollama's /api/pull for an exposed management route, …), so manual checks probe something meaningful.
 */
export function typicalFindingRoute(rule: RuleId, product: string | null): { path: string; method: string } | null {
  const p = product ?? 'fastapi';
  switch (rule) {
    case 'exposure.model-inventory':
      return { path: listingPath(p), method: 'GET' };
    case 'exposure.metrics':
      return { path: '/metrics', method: 'GET' };
    case 'exposure.api-docs':
      return { path: p === 'tgi' ? '/api-doc/openapi.json' : p === 'localai' ? '/swagger/index.html' : '/docs', method: 'GET' };
    case 'vuln.known-advisory':
      return profileById(p)?.versionPath ? { path: profileById(p)!.versionPath!, method: 'GET' } : null;
    default: {
      const family = RULE_ROUTE_FAMILY[rule];
      const path = family ? routeFamilies(p)[family]?.[0] : undefined;
      if (!path) return null;
      const get = family === 'promptData' || (family === 'template' && p !== 'tgi');
      return { path: path.replace(/\/$/, ''), method: get ? 'GET' : 'POST' };
    }
  }
}

/** The defaults for a rule on a framework when there is no finding: the product's usual route for the rule. */
export function defaultContextForRule(rule: RuleId, framework: Framework): RemediationContext {
  const base = defaultContext(framework);
  const route = typicalFindingRoute(rule, base.product);
  return route ? applyOverrides(base, { path: route.path, method: route.method }) : base;
}

function resolveContext(framework: Framework, context: Partial<RemediationContext> | undefined, rule: RuleId): RemediationContext {
  if (!context) return defaultContextForRule(rule, framework);
  // A full context (from contextFromFinding) is taken as is, revalidated; a partial one fills the framework defaults.
  return applyOverrides(defaultContext(framework, context.product ? { product: context.product } : {}), context);
}

/** The fix for one rule on one framework. Throws UnknownRuleError / NotApplicableError. */
export function remediationFor(rule: string, framework: string, context?: Partial<RemediationContext>, options: RemediationOptions = {}): RemediationSnippet {
  const k = knowledgeFor(rule);
  if (!isApplicable(k.rule, framework)) throw new NotApplicableError(k.rule, framework, applicableFrameworks(k.rule));
  return remediationForRules([k.rule], framework as Framework, context, options);
}

/**
 * One snippet that closes several rules at once on one framework (the app for a whole report, one nginx file for every
 * finding on a server). Rules without a fix on this framework are skipped and named in the notes; at least one must apply.
 */
export function remediationForRules(
  rules: string[],
  framework: Framework,
  context?: Partial<RemediationContext>,
  options: RemediationOptions = {},
): RemediationSnippet {
  const ids = [...new Set(rules.map((r) => knowledgeFor(r).rule))];
  if (!ids.length) throw new Error('remediationForRules needs at least one rule');
  const usable = ids.filter((r) => isApplicable(r, framework));
  const skipped = ids.filter((r) => !usable.includes(r));
  if (!usable.length) throw new NotApplicableError(ids[0]!, framework, applicableFrameworks(ids[0]!));
  const ctx = resolveContext(framework, context, usable[0]!);
  const primary = usable[0]!;
  const title = usable.length === 1 ? RULES[primary].title : `Fixes for ${usable.length} rules (${usable.join(', ')})`;
  const kind = FRAMEWORK_INFO[framework].kind;

  let built: Omit<RemediationSnippet, 'rule' | 'framework' | 'title' | 'verify'> & { verifyExtra: string[] };
  if (kind === 'app' || kind === 'wrapper') built = buildApp(usable, framework as AppFramework | 'wrapper', ctx, options.model ?? { kind: 'default' }, title);
  else if (kind === 'proxy') built = buildProxy(usable, framework as ProxyFramework, ctx, title);
  else built = buildServer(usable, framework as ServerFramework, ctx, title);

  const notes = [...built.notes];
  if (skipped.length)
    notes.push(`Not covered by this ${FRAMEWORK_INFO[framework].name} snippet: ${skipped.join(', ')} (ask for each with a framework that applies).`);
  const snippet: RemediationSnippet = {
    rule: primary,
    framework,
    title: `${title} — ${FRAMEWORK_INFO[framework].name}`,
    summary: built.summary,
    language: built.language,
    file: built.file,
    code: built.code,
    apply: built.apply,
    verify: verifySteps(usable, ctx, built.verifyExtra),
    notes,
  };
  if (usable.length > 1) snippet.rules = usable;
  return snippet;
}

// ---------- apps and the wrapper ----------

const APP_RENDERERS: Record<AppFramework | 'wrapper', (i: AppRenderInput) => string> = {
  fastapi: renderFastApi,
  starlette: renderStarlette,
  flask: renderFlask,
  express: renderExpress,
  wrapper: renderWrapper,
};

function appFix(k: RuleKnowledge, framework: AppFramework | 'wrapper'): { features: AppFeature[]; focus: string; notes?: string[] } {
  const fix = framework === 'wrapper' ? k.fix.wrapper : k.fix.app;
  if (!fix) throw new NotApplicableError(k.rule, framework, applicableFrameworks(k.rule));
  return fix;
}

/** What an app snippet does about one rule, without the words every app snippet shares (for one line per finding). */
export function appFocus(rule: RuleId, framework: AppFramework | 'wrapper'): string {
  return appFix(KNOWLEDGE[rule], framework).focus;
}

function buildApp(rules: RuleId[], framework: AppFramework | 'wrapper', ctx: RemediationContext, model: ModelCall, title: string) {
  const features = new Set<AppFeature>();
  const focus: string[] = [];
  const notes: string[] = [];
  for (const r of rules) {
    const fix = appFix(KNOWLEDGE[r], framework);
    for (const f of fix.features) features.add(f);
    focus.push(fix.focus);
    notes.push(...(fix.notes ?? []));
  }
  if (!features.has('jwt')) features.add('auth');
  if (features.has('jwt')) features.delete('auth');
  const code = APP_RENDERERS[framework]({ rule: rules.length === 1 ? rules[0]! : null, features, ctx, model, focus: focus.join('\n'), title });
  const python = framework !== 'express';
  const file = python ? 'app.py' : 'server.mjs';
  const jwt = features.has('jwt');
  const secretVar = jwt ? 'JWT_SECRET' : ctx.envVar;
  const header = jwt ? 'Authorization: Bearer <JWT>' : `${ctx.headerName}: ${ctx.scheme === 'Bearer' ? 'Bearer ' : ''}<key>`;
  const deps = dependencies(framework, features, model);
  const apply: string[] = [
    framework === 'wrapper'
      ? `Save the code as ${file}: it is a complete FastAPI app built around a require_api_key decorator on ` +
        `the model call. Keep require_api_key on every function that calls the model, and put your model call ` +
        `in generate_text.`
      : `Save the code as ${file}: it is a complete app. Put your model call in ` +
        `${python ? 'generate_text' : 'generateText'} and your other routes next to ${appRoute(ctx)}; the ` +
        `check covers them without further code.`,
    `Install what it imports: ${deps}.`,
    `Create the ${jwt ? 'signing secret' : 'key'} once and keep it in your secret store (never in the code): export ${secretVar}="$(openssl rand -hex 32)"`,
  ];
  if (features.has('admin'))
    apply.push('Create a separate admin key the same way: export ADMIN_API_KEY="$(openssl rand -hex 32)" (clients send it as X-Admin-Key on /admin routes).');
  if (features.has('cors')) apply.push(`List the browser origins allowed to call the API: export CORS_ALLOWED_ORIGINS=${ctx.allowedOrigin}`);
  if (features.has('trustedHosts')) apply.push(`List the Host values the API answers to, if not ${ctx.host}: export ALLOWED_HOSTS=api.example.com`);
  if (features.has('tls')) apply.push(`Point the app at its certificate and key: export TLS_CERT_FILE=${ctx.tlsCertFile} TLS_KEY_FILE=${ctx.tlsKeyFile}`);
  apply.push(`Start it: ${startLine(framework, ctx, features)}`);
  apply.push(`Clients send ${header} on every request.`);
  const verifyExtra = [failClosedCheck(framework, ctx, secretVar)];
  const summary = [
    focus.join(' '),
    framework === 'express'
      ? 'Every request passes through one middleware registered before everything else; an unset key stops the server at start-up.'
      : framework === 'wrapper'
        ? 'The key check is fail-closed and constant-time, unlike the widely copied decorator that compares with f"Bearer {os.getenv(...)}".'
        : 'The whole app is covered by one check that fails closed at start-up and compares in constant time.',
  ].join(' ');
  return { summary, language: python ? ('python' as const) : ('javascript' as const), file, code, apply, notes, verifyExtra };
}

function dependencies(framework: AppFramework | 'wrapper', features: ReadonlySet<AppFeature>, model: ModelCall): string {
  const py: string[] = [];
  const deb: string[] = [];
  if (framework === 'fastapi' || framework === 'wrapper') {
    py.push('fastapi', 'uvicorn');
    deb.push('python3-fastapi', 'python3-uvicorn');
  } else if (framework === 'starlette') {
    py.push('starlette', 'uvicorn');
    deb.push('python3-starlette', 'python3-uvicorn');
  } else if (framework === 'flask') {
    py.push('flask', 'gunicorn');
    deb.push('python3-flask', 'gunicorn');
  } else {
    const npm = ['express'];
    if (features.has('jwt')) npm.push('jose');
    if (features.has('metrics')) npm.push('prom-client');
    return `npm install ${npm.join(' ')}`;
  }
  if (features.has('jwt')) {
    py.push('pyjwt');
    deb.push('python3-jwt');
  }
  if (features.has('metrics')) {
    py.push('prometheus-client');
    deb.push('python3-prometheus-client');
  }
  if (model.kind === 'default') py.push('transformers', 'torch');
  return `pip install ${py.join(' ')} (Debian: apt install ${deb.join(' ')})`;
}

function startLine(framework: AppFramework | 'wrapper', ctx: RemediationContext, f: ReadonlySet<AppFeature>): string {
  if (f.has('tls'))
    return framework === 'express'
      ? 'node server.mjs'
      : framework === 'flask'
        ? `gunicorn --bind 0.0.0.0:${ctx.port} --certfile "$TLS_CERT_FILE" --keyfile "$TLS_KEY_FILE" app:app`
        : 'python3 app.py';
  switch (framework) {
    case 'express':
      return 'node server.mjs';
    case 'flask':
      return `gunicorn --bind 127.0.0.1:${ctx.port} app:app`;
    default:
      return `uvicorn app:app --host 127.0.0.1 --port ${ctx.port}`;
  }
}

function failClosedCheck(framework: AppFramework | 'wrapper', ctx: RemediationContext, secretVar: string): string {
  const expect =
    `# expect: exits at once with "${secretVar} ` +
    `${secretVar === 'JWT_SECRET' ? 'must hold at least 32 bytes' : 'is not set'}: refusing to start…", ` +
    `and nothing listens`;
  switch (framework) {
    case 'express':
      return `env -u ${secretVar} node server.mjs  ${expect}`;
    case 'flask':
      return `env -u ${secretVar} flask --app app run --port ${ctx.port}  ${expect}`;
    default:
      return `env -u ${secretVar} uvicorn app:app --port ${ctx.port}  ${expect}`;
  }
}

// ---------- proxies ----------

function buildProxy(rules: RuleId[], framework: ProxyFramework, ctx: RemediationContext, title: string) {
  const features = new Set<ProxyFeature>(['auth']);
  const deny = new Map<string, DenyRoute>();
  const focus: string[] = [];
  const notes: string[] = [];
  for (const r of rules) {
    const fix = KNOWLEDGE[r].fix.proxy;
    if (!fix) continue;
    for (const f of fix.features) features.add(f);
    for (const d of denyRoutes(ctx, fix.deny, fix.denyFindingPath)) deny.set(`${d.prefix}${d.path}`, d);
    focus.push(fix.focus);
    notes.push(...(fix.notes ?? []));
  }
  if (ctx.url.startsWith('https:')) features.add('tls');
  const input = { rule: rules.length === 1 ? rules[0]! : null, features, ctx, deny: [...deny.values()], focus: focus.join('\n'), title };
  const facts = productFacts(ctx.product);
  const bearer = ctx.scheme === 'Bearer';
  const bind =
    `Make ${facts.name} listen on 127.0.0.1:${ctx.upstreamPort} only (never on a public address, or ` +
    `clients go around the proxy): ${facts.bindLoopback(ctx.upstreamPort)}`;
  const header = `${ctx.headerName}: ${bearer ? 'Bearer ' : ''}<key>`;
  if (framework === 'nginx') {
    const code = renderNginx(input);
    const apply = [
      'Save the code as /etc/nginx/conf.d/llm-api.conf (it belongs in the http context, which conf.d files are).',
      `Create the keys file and print the key to hand to clients (32 lower-case hex characters; other ` +
        `shapes never match): KEY="$(openssl rand -hex 16)"; printf '"%s" 1;\\n' "$KEY" | sudo tee ` +
        `${ctx.keysFile} >/dev/null; sudo chmod 640 ${ctx.keysFile}; sudo chgrp www-data ${ctx.keysFile}; ` +
        `echo "$KEY"`,
      bind,
    ];
    if (features.has('tls')) apply.push(`Put the certificate and its private key at ${ctx.tlsCertFile} and ${ctx.tlsKeyFile}.`);
    apply.push('Check and load it: sudo nginx -t && sudo systemctl reload nginx');
    apply.push(`Clients send ${header} on every request, to port ${ctx.port}.`);
    return {
      summary: `${focus.join(' ')} Deny by default; the key is compared exactly, and a missing key configuration refuses everything.`,
      language: 'nginx' as const,
      file: '/etc/nginx/conf.d/llm-api.conf',
      code,
      apply,
      notes: [
        ...notes,
        'nginx compares the key through a hash lookup, not a byte-by-byte compare, so its timing does not reveal the key.',
        'If the server behind keeps its own key check on the same header (defence in depth), give it the same 32-hex-character key.',
      ],
      verifyExtra: ['sudo nginx -t  # expect: "syntax is ok" and "test is successful"'],
    };
  }
  const code = renderCaddy(input);
  const apply = [
    'Save the code as /etc/caddy/Caddyfile (or import it from yours).',
    `Give the Caddy service the key (systemctl edit caddy → [Service] Environment=${ctx.envVar}=…, or an ` +
      `EnvironmentFile with mode 0600): ${ctx.envVar}="$(openssl rand -hex 32)"`,
    bind,
  ];
  if (features.has('tls'))
    apply.push(`Put the certificate and its private key at ${ctx.tlsCertFile} and ${ctx.tlsKeyFile}, or use a public name for automatic HTTPS.`);
  apply.push('Check and load it: caddy validate --config /etc/caddy/Caddyfile && sudo systemctl reload caddy');
  apply.push(`Clients send ${header} on every request, to port ${ctx.port}.`);
  return {
    summary: `${focus.join(' ')} Deny by default; an unset or short key refuses every request.`,
    language: 'caddyfile' as const,
    file: '/etc/caddy/Caddyfile',
    code,
    apply,
    notes: [...notes, 'Caddy compares the key with an ordinary string comparison: keep it long and random (64 hex characters).'],
    verifyExtra: [`${ctx.envVar}="$(openssl rand -hex 32)" caddy validate --config /etc/caddy/Caddyfile  # expect: "Valid configuration"`],
  };
}

// ---------- servers ----------

const UPGRADE: Record<ServerFramework, (min: string | null) => string> = {
  vllm: (m) => `pip install --upgrade 'vllm${m ? `>=${m}` : ''}'`,
  tgi: () => 'docker pull ghcr.io/huggingface/text-generation-inference:latest (or upgrade text-generation-launcher)',
  ollama: () => 'curl -fsSL https://ollama.com/install.sh | sh (or: docker pull ollama/ollama:latest)',
  llamacpp: () => 'git pull && cmake -B build && cmake --build build --config Release (or download the latest release)',
  sglang: (m) => `pip install --upgrade 'sglang[all]${m ? `>=${m}` : ''}'`,
  litellm: (m) => `pip install --upgrade 'litellm[proxy]${m ? `>=${m}` : ''}'`,
  localai: () => 'docker pull localai/localai:latest (or the latest release binary)',
  koboldcpp: () => 'download the latest release from https://github.com/LostRuins/koboldcpp/releases',
};

function buildServer(rules: RuleId[], framework: ServerFramework, ctx: RemediationContext, title: string) {
  const aspects = new Set<ServerAspect>();
  const focus: string[] = [];
  const notes: string[] = [];
  let needsProxy = false;
  for (const r of rules) {
    const fix: ServerFix | undefined = KNOWLEDGE[r].fix.servers?.[framework];
    if (!fix) continue;
    for (const a of fix.aspects) aspects.add(a);
    if (fix.needsProxy) needsProxy = true;
    focus.push(fix.focus);
    notes.push(...(fix.notes ?? []));
  }
  if (needsProxy) aspects.add('loopback');
  const code = renderServerScript({ rule: rules.length === 1 ? rules[0]! : null, framework, aspects, ctx, focus: focus.join('\n'), title, needsProxy });
  const name = FRAMEWORK_INFO[framework].name;
  const file = `start-${framework}.sh`;
  const keyVar = FRAMEWORK_INFO[framework].envVar;
  const apply: string[] = [`Save the code as ${file} and make it executable: chmod +x ${file}`];
  if (aspects.has('upgrade')) {
    apply.push(`Upgrade ${name}: ${UPGRADE[framework](ctx.advisory && ctx.fixedVersion ? ctx.fixedVersion : null)}`);
  }
  if (aspects.has('key')) {
    apply.push(`Create the key once and keep it in your secret store: export ${keyVar}="${framework === 'litellm' ? 'sk-' : ''}$(openssl rand -hex 32)"`);
    if (aspects.has('adminKey')) apply.push('Create the admin key the same way: export SGLANG_ADMIN_API_KEY="$(openssl rand -hex 32)"');
    apply.push(
      `Run the script from your service manager with the key in its environment (systemd EnvironmentFile= ` +
        `with mode 0600, a Docker env file or secret), not from shell history.`,
    );
  } else {
    apply.push('Run the script from your service manager (systemd, Docker) instead of starting the server by hand.');
  }
  if (aspects.has('tls')) apply.push(`Point it at the certificate and key: export TLS_CERT_FILE=${ctx.tlsCertFile} TLS_KEY_FILE=${ctx.tlsKeyFile}`);
  if (needsProxy) {
    apply.push(
      `${name} cannot close this on its own: put the proxy in front of it on port ${ctx.port} — suggest_remediation with framework nginx (or caddy) ` +
        `for this rule gives a ready file; it forwards to 127.0.0.1:${ctx.upstreamPort}, where this script binds ${name}.`,
    );
    if (framework !== 'ollama' && aspects.has('key'))
      apply.push(
        `Keep ${name}'s own key as well (defence in depth): the proxy passes the client's ${ctx.headerName} ` +
          `header through unchanged, so use the same key in both, or one per layer.`,
      );
  }
  if (framework === 'litellm' && rules.includes('cost.no-rate-limit')) {
    apply.push(
      `Give each client a virtual key with a limit: curl -sS -X POST ` +
        `http://127.0.0.1:${ctx.port}/key/generate -H "Authorization: Bearer $LITELLM_MASTER_KEY" -H ` +
        `'Content-Type: application/json' -d '{"rpm_limit": 60}'`,
    );
  }
  if (aspects.has('key') || framework === 'ollama') {
    apply.push(
      `Clients send ${ctx.headerName}: ${ctx.scheme === 'Bearer' ? 'Bearer ' : ''}<key> on every request${needsProxy ? ' (the proxy checks it)' : ''}.`,
    );
  }
  const verifyExtra: string[] = [];
  if (aspects.has('key'))
    verifyExtra.push(`env -u ${keyVar} ./${file}  # expect: exits at once with "${keyVar} must be set to a non-empty key", and ${name} does not start`);
  if (framework === 'ollama') verifyExtra.push(`OLLAMA_HOST=0.0.0.0:${ctx.upstreamPort} ./${file}  # expect: refuses to start (not a loopback address)`);
  const summary = `${focus.join(' ')}${needsProxy ? ` ${name} cannot close this alone: the fix is this script plus the proxy in front.` : ''}`;
  return { summary, language: 'bash' as const, file, code, apply, notes, verifyExtra };
}

// ---------- verify ----------

function verifySteps(rules: RuleId[], ctx: RemediationContext, extra: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const push = (line: string): void => {
    if (!seen.has(line)) {
      seen.add(line);
      out.push(line);
    }
  };
  for (const line of extra) push(line);
  for (const r of rules) {
    const checkCtx = r === 'transport.cleartext' ? applyOverrides(ctx, { url: ctx.url.replace(/^http:/, 'https:') }) : ctx;
    for (const c of KNOWLEDGE[r].manualChecks(checkCtx)) push(`${c.command}  # expect: ${c.expect}`);
  }
  for (const r of rules) {
    const scanCtx = r === 'transport.cleartext' ? applyOverrides(ctx, { url: ctx.url.replace(/^http:/, 'https:') }) : ctx;
    push(`${rescanCommand(r, scanCtx)}  # expect: exit status 0 — no high or critical finding left`);
    const sev = RULES[r].severity;
    if (sev !== 'high' && sev !== 'critical') push(`${ruleStatusCommand(r, scanCtx)}  # expect: pass`);
  }
  return out;
}

/** Whether a framework kind writes an app (the user's code), a server script, or proxy configuration. */
export function frameworkKind(framework: Framework): 'app' | 'server' | 'proxy' | 'wrapper' {
  return FRAMEWORK_INFO[framework].kind;
}
