// nginx in front of a server that cannot close the hole itself. A complete conf.d file (http context): key maps, optional
// rate-limit zones, and one server block that denies by default, checks the key before forwarding (auth_request, so
// that the per-client limiter of the preaccess phase sees failed attempts), and forwards allowed routes to loopback.
import { RULES } from '../../engine/rules/index.js';
import { productFacts } from '../frameworks.js';
import { isLoopbackHost } from './features.js';
import { KEY_SHAPE, methodFor, type ProxyRenderInput } from './proxy.js';

const NOT_FOUND = `return 404 '{"error":"not found"}\\n';`;

function nginxVar(headerName: string): string {
  return `$http_${headerName.toLowerCase().replace(/-/g, '_')}`;
}

function regexHost(host: string): string {
  return host.replace(/[.[\]]/g, (c) => `\\${c}`);
}

export function renderNginx(input: ProxyRenderInput): string {
  const { features: f, ctx } = input;
  const bearer = ctx.scheme === 'Bearer';
  const headerVar = nginxVar(ctx.headerName);
  const facts = productFacts(ctx.product);
  const up = `http://127.0.0.1:${ctx.upstreamPort}`;
  const tls = f.has('tls');
  const lines: string[] = [];
  const L = (s = ''): void => {
    lines.push(s);
  };

  L(`# ${input.title} — nginx in front of ${facts.name}, by Gatecrash${input.rule ? ` for ${input.rule} (${RULES[input.rule].title})` : ''}.`);
  for (const l of input.focus.split('\n')) L(`# ${l}`);
  L('#');
  L(`# Install: save as /etc/nginx/conf.d/llm-api.conf (http context), create ${ctx.keysFile} (below), make the server listen`);
  L(`# on 127.0.0.1:${ctx.upstreamPort} only, then: nginx -t && systemctl reload nginx`);
  L('# The variable and zone names are shared by every Gatecrash nginx snippet: keep one such file per nginx.');
  L('');
  L(`# ${ctx.keysFile} holds the accepted keys, one per line, written as:   "<key>" 1;`);
  L('# A key is 32 lower-case hex characters (openssl rand -hex 16: 128 random bits); any other shape never matches.');
  L('# chmod 640, owner root, group of the nginx workers. Fails closed: without the file nginx does not start; an empty');
  L('# file refuses every request; an entry "" clashes with the one below and stops nginx from starting.');
  L('');
  L(`# The presented key: exactly ${bearer ? '"Bearer <key>"' : 'the key'}, as lower-case hex, or nothing. nginx compares map strings without`);
  L('# regard to case; this pattern (which does not involve the key) makes the comparison below exact.');
  L(`map ${headerVar} $llm_presented_key {`);
  L('    default "";');
  L(`    "~^${bearer ? 'Bearer ' : ''}(?<llm_key>${KEY_SHAPE})$" $llm_key;`);
  L('}');
  L('');
  L('# A hash lookup, not a byte-by-byte comparison: its time does not follow how much of the key a guess got right.');
  L('map $llm_presented_key $llm_api_key_ok {');
  L('    default 0;');
  L('    ""      0;');
  L(`    include ${ctx.keysFile};`);
  L('}');
  if (f.has('authRateLimit')) {
    L('');
    L('# Wrong keys are throttled per client address: a burst of 10, then 10 a minute, answered 429 with Retry-After.');
    L('# nginx cannot lock a client out for 30 minutes as PCI DSS 8.3.4 asks: fail2ban on 401s in the access log can.');
    L('# Only a wrong key counts (a request without the header guesses nothing); the right key is never counted.');
    L(`map "$llm_api_key_ok:${headerVar}" $llm_failed_auth_client {`);
    L('    default  "";');
    L('    "~^0:."  $binary_remote_addr;');
    L('}');
    L('limit_req_zone $llm_failed_auth_client zone=llm_failed_auth:10m rate=10r/m;');
  }
  if (f.has('rateLimit')) {
    L('');
    L('# Inference per client address: 60 a minute with a burst of 5; beyond that 429 with Retry-After.');
    L('limit_req_zone $binary_remote_addr zone=llm_inference:10m rate=60r/m;');
  }
  if (f.has('cors')) {
    L('');
    L('# Browser origins allowed to call the API. Any other origin gets no Access-Control-Allow-Origin at all.');
    L('map $http_origin $llm_cors_origin {');
    L('    default "";');
    L(`    "${ctx.allowedOrigin}" $http_origin;`);
    L('}');
  }
  L('');
  L('server {');
  L(`    listen ${ctx.port}${tls ? ' ssl' : ''};`);
  L(`    server_name ${f.has('trustedHosts') && !isLoopbackHost(ctx.host) ? ctx.host : '_'};`);
  if (tls) {
    L(`    ssl_certificate ${ctx.tlsCertFile};`);
    L(`    ssl_certificate_key ${ctx.tlsKeyFile};`);
    L('    ssl_protocols TLSv1.2 TLSv1.3;');
  }
  L('    server_tokens off;');
  L('    default_type application/json;');
  L('    client_max_body_size 1m;');
  if (f.has('trustedHosts')) {
    const hosts = isLoopbackHost(ctx.host) ? ['127.0.0.1', 'localhost'] : [ctx.host.toLowerCase()];
    L('');
    L('    # Only the expected Host is answered (nginx itself refuses Host values with "/" or "?" as 400). The upstream');
    L("    # never sees the client's Host either: proxy_set_header Host below is fixed.");
    L(`    if ($host !~ "^(${hosts.map(regexHost).join('|')})$") {`);
    L(`        return 421 '{"error":"misdirected request"}\\n';`);
    L('    }');
  }
  if (f.has('stripOverride')) {
    L('');
    L('    # No method overrides from the query string either.');
    L('    if ($arg__method) {');
    L(`        return 400 '{"error":"bad request"}\\n';`);
    L('    }');
  }
  if (f.has('cors')) {
    const methods = [...new Set(ctx.paths.map(methodFor))].join(', ');
    L('');
    L("    # CORS for the listed origin only, answered by nginx: the server's own CORS headers never reach a browser.");
    L('    # Preflights carry no credentials by design: answered here for every route, never forwarded. (Locations below');
    L('    # add no headers of their own, so they inherit these.)');
    L('    if ($request_method = OPTIONS) {');
    L('        return 204;');
    L('    }');
    L('    add_header Access-Control-Allow-Origin $llm_cors_origin always;');
    L(`    add_header Access-Control-Allow-Methods "${methods}" always;`);
    L(`    add_header Access-Control-Allow-Headers "Content-Type, ${ctx.headerName}" always;`);
    L('    add_header Vary Origin always;');
    L('    proxy_hide_header Access-Control-Allow-Origin;');
    L('    proxy_hide_header Access-Control-Allow-Credentials;');
    L('    proxy_hide_header Access-Control-Allow-Methods;');
    L('    proxy_hide_header Access-Control-Allow-Headers;');
  }
  L('');
  L('    error_page 401 = @llm_unauthorized;');
  if (f.has('authRateLimit') || f.has('rateLimit')) {
    L('    limit_req_status 429;');
    L('    error_page 429 = @llm_too_many;');
  }
  if (f.has('terseErrors')) {
    L('    # Upstream errors (tracebacks, parser messages, file paths) are replaced by a terse body.');
    L('    proxy_intercept_errors on;');
    L('    error_page 500 502 503 504 = @llm_error;');
  }
  L('');
  L('    # The key check, run by auth_request for every forwarded route.');
  L('    location = /_gatecrash_llm_auth {');
  L('        internal;');
  L('        if ($llm_api_key_ok = 0) {');
  L('            return 401;');
  L('        }');
  L('        return 204;');
  L('    }');
  L('');
  L('    location @llm_unauthorized {');
  if (bearer) L("        add_header WWW-Authenticate 'Bearer' always;");
  L(`        return 401 '{"error":"unauthorized"}\\n';`);
  L('    }');
  if (f.has('authRateLimit') || f.has('rateLimit')) {
    L('');
    L('    location @llm_too_many {');
    L('        add_header Retry-After 60 always;');
    L(`        return 429 '{"error":"too many requests"}\\n';`);
    L('    }');
  }
  if (f.has('terseErrors')) {
    L('');
    L('    location @llm_error {');
    L(`        return 500 '{"error":"internal error"}\\n';`);
    L('    }');
  }

  L('');
  L(`    # The routes clients use, each checked with the key and forwarded to exactly the same path on loopback.`);
  for (const path of ctx.paths) {
    const method = methodFor(path);
    L(`    location = ${path} {`);
    // Both access-phase checks: another method without the key is refused (401/403), never routed first (405).
    L('        auth_request /_gatecrash_llm_auth;');
    L(`        limit_except ${method} {`);
    L('            deny all;');
    L('        }');
    if (f.has('authRateLimit')) L('        limit_req zone=llm_failed_auth burst=10 nodelay;');
    if (f.has('rateLimit') && method === 'POST') L('        limit_req zone=llm_inference burst=5 nodelay;');
    L(`        proxy_pass ${up}${path};`);
    L('        proxy_http_version 1.1;');
    L('        proxy_set_header Host $proxy_host;');
    L('        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
    L('        proxy_set_header X-Forwarded-Proto $scheme;');
    if (f.has('stripOverride')) {
      L('        proxy_set_header X-HTTP-Method-Override "";');
      L('        proxy_set_header X-HTTP-Method "";');
      L('        proxy_set_header X-Method-Override "";');
    }
    if (method === 'POST') {
      L('        proxy_buffering off;  # streamed tokens go out as they come');
      L('        proxy_read_timeout 300s;');
    }
    L('    }');
  }
  if (f.has('metricsInternal')) {
    L('');
    L('    # Metrics for local scrapers only (add your Prometheus address); never for the internet.');
    L('    location = /metrics {');
    L('        allow 127.0.0.1;');
    L('        allow ::1;');
    L('        deny all;');
    L('        limit_except GET {');
    L('            deny all;');
    L('        }');
    L(`        proxy_pass ${up}/metrics;`);
    L('        proxy_set_header Host $proxy_host;');
    L('    }');
  }
  const denied = input.deny.filter((d) => !(f.has('metricsInternal') && d.path === '/metrics'));
  if (denied.length) {
    L('');
    L('    # Never forwarded, even with a key.');
    for (const d of denied) {
      L(`    location ${d.prefix ? '^~ ' : '= '}${d.path} {`);
      L(`        ${NOT_FOUND}`);
      L('    }');
    }
  }
  L('');
  L('    # Deny by default: anything not listed above.');
  L('    location / {');
  L(`        ${NOT_FOUND}`);
  L('    }');
  L('}');
  return `${lines.join('\n')}\n`;
}

/**
 * A whole nginx.conf around a Gatecrash conf.d file, for running nginx unprivileged in tests (`nginx -t -c` / `nginx -c`):
 * every path nginx writes is under `prefix`.
 */
export function nginxTestMainConfig(includeFile: string, prefix: string): string {
  const p = prefix.replace(/\/+$/, '');
  return `worker_processes 1;
pid ${p}/nginx.pid;
error_log ${p}/error.log warn;
events {
    worker_connections 64;
}
http {
    access_log ${p}/access.log;
    client_body_temp_path ${p}/client_body;
    proxy_temp_path ${p}/proxy;
    fastcgi_temp_path ${p}/fastcgi;
    uwsgi_temp_path ${p}/uwsgi;
    scgi_temp_path ${p}/scgi;
    include ${includeFile};
}
`;
}
