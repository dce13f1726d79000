// Caddy in front of a server that cannot close the hole itself: deny by default, the key checked by a CEL expression
// that can never match when the key variable is unset or short, allowed routes forwarded to loopback with a fixed Host.
import { RULES } from '../../engine/rules/index.js';
import { productFacts } from '../frameworks.js';
import { isLoopbackHost } from './features.js';
import { methodFor, type ProxyRenderInput } from './proxy.js';

export function renderCaddy(input: ProxyRenderInput): string {
  const { features: f, ctx } = input;
  const bearer = ctx.scheme === 'Bearer';
  const facts = productFacts(ctx.product);
  const env = ctx.envVar;
  const tls = f.has('tls');
  const siteHost = f.has('trustedHosts') || tls ? (isLoopbackHost(ctx.host) ? 'localhost' : ctx.host) : '';
  const site = `${tls ? 'https' : 'http'}://${siteHost}:${ctx.port}`;
  const lines: string[] = [];
  const L = (s = ''): void => {
    lines.push(s);
  };
  const expected = `${bearer ? 'Bearer ' : ''}{$${env}}`;

  L(`# ${input.title} — Caddy in front of ${facts.name}, by Gatecrash${input.rule ? ` for ${input.rule} (${RULES[input.rule].title})` : ''}.`);
  for (const l of input.focus.split('\n')) L(`# ${l}`);
  L('#');
  L(`# Caddy substitutes {$${env}} when it loads this file. Start it only with the key set, e.g. in the unit's ExecStartPre`);
  L('# or a wrapper script:');
  L(`#   : "\${${env}:?${env} must be set}" && caddy run --config /etc/caddy/Caddyfile`);
  L(`# The server behind it must listen on 127.0.0.1:${ctx.upstreamPort} only. Caddy's admin API (localhost:2019) shows the`);
  L('# loaded configuration, key included: keep it local, or set `admin off` in the global options.');
  L('');
  L(`${site} {`);
  if (tls) {
    L(
      isLoopbackHost(ctx.host) || /^[\d.]+$/.test(ctx.host)
        ? `\ttls ${ctx.tlsCertFile} ${ctx.tlsKeyFile}`
        : `\t# Automatic HTTPS for ${ctx.host}; or: tls ${ctx.tlsCertFile} ${ctx.tlsKeyFile}`,
    );
  }
  L('');
  const denied = input.deny.map((d) => (d.prefix ? `${d.path}*` : d.path)).filter((p) => !(f.has('metricsInternal') && p === '/metrics'));
  if (denied.length) {
    L('\t# Never forwarded, even with a key.');
    L(`\t@llm_denied path ${denied.join(' ')}`);
    L('\thandle @llm_denied {');
    L('\t\trespond `{"error":"not found"}` 404');
    L('\t}');
    L('');
  }
  if (f.has('metricsInternal')) {
    L('\t# Metrics for local scrapers only (add your Prometheus address).');
    L('\t@llm_metrics {');
    L('\t\tpath /metrics');
    L('\t\tmethod GET');
    L('\t\tremote_ip 127.0.0.1 ::1');
    L('\t}');
    L('\thandle @llm_metrics {');
    L(`\t\treverse_proxy 127.0.0.1:${ctx.upstreamPort} {`);
    L('\t\t\theader_up Host {upstream_hostport}');
    L('\t\t}');
    L('\t}');
    L('');
  }
  if (f.has('cors')) {
    L('\t# Browser origins allowed to call the API; any other origin gets no Access-Control-Allow-Origin.');
    L(`\t@llm_cors_allowed header Origin ${ctx.allowedOrigin}`);
    L('\theader @llm_cors_allowed {');
    L(`\t\tAccess-Control-Allow-Origin ${ctx.allowedOrigin}`);
    L('\t\tAccess-Control-Allow-Methods "GET, POST"');
    L(`\t\tAccess-Control-Allow-Headers "Content-Type, ${ctx.headerName}"`);
    L('\t\tVary Origin');
    L('\t}');
    L('\t# Preflights carry no credentials by design: answered here, never forwarded.');
    L('\t@llm_preflight method OPTIONS');
    L('\thandle @llm_preflight {');
    L('\t\trespond 204');
    L('\t}');
    L('');
  }
  L('\t# Fail closed: the expression needs a key of at least 32 characters, so an unset or empty variable (which');
  L('\t# becomes "") refuses every request instead of accepting an empty header. The comparison is exact (case');
  L('\t# included) but not constant-time: keep the key long and random.');
  L('\t@llm_unauthorized {');
  L(`\t\tnot expression \`size("{$${env}}") >= 32 && {header.${ctx.headerName}} == "${expected}"\``);
  L('\t}');
  L('\thandle @llm_unauthorized {');
  if (bearer) L('\t\theader WWW-Authenticate Bearer');
  L('\t\trespond `{"error":"unauthorized"}` 401');
  L('\t}');
  L('');
  const post = ctx.paths.filter((p) => methodFor(p) === 'POST');
  const get = ctx.paths.filter((p) => methodFor(p) === 'GET');
  const proxyBlock = (): void => {
    L(`\t\treverse_proxy 127.0.0.1:${ctx.upstreamPort} {`);
    L("\t\t\t# The upstream never sees the client's Host.");
    L('\t\t\theader_up Host {upstream_hostport}');
    if (f.has('stripOverride')) {
      L('\t\t\theader_up -X-HTTP-Method-Override');
      L('\t\t\theader_up -X-HTTP-Method');
      L('\t\t\theader_up -X-Method-Override');
    }
    if (f.has('cors')) {
      L('\t\t\theader_down -Access-Control-Allow-Origin');
      L('\t\t\theader_down -Access-Control-Allow-Credentials');
    }
    L('\t\t\tflush_interval -1');
    if (f.has('terseErrors')) {
      L('\t\t\t# Upstream errors (tracebacks, parser messages, file paths) are replaced by a terse body.');
      L('\t\t\t@llm_upstream_error status 5xx');
      L('\t\t\thandle_response @llm_upstream_error {');
      L('\t\t\t\trespond `{"error":"internal error"}` 500');
      L('\t\t\t}');
    }
    L('\t\t}');
  };
  if (post.length) {
    L('\t@llm_inference {');
    L(`\t\tpath ${post.join(' ')}`);
    L('\t\tmethod POST');
    L('\t}');
    L('\thandle @llm_inference {');
    proxyBlock();
    L('\t}');
    L('');
  }
  if (get.length) {
    L('\t@llm_listing {');
    L(`\t\tpath ${get.join(' ')}`);
    L('\t\tmethod GET');
    L('\t}');
    L('\thandle @llm_listing {');
    proxyBlock();
    L('\t}');
    L('');
  }
  L('\t# Deny by default: anything not listed above.');
  L('\thandle {');
  L('\t\trespond `{"error":"not found"}` 404');
  L('\t}');
  L('}');
  return `${lines.join('\n')}\n`;
}
