// exposure.verbose-errors — a truncated JSON body makes the server answer with its internals: a stack trace, the JSON
// parser's own exception text, source file paths. Malformed JSON cannot run the model, so the probe is harmless.
import type { Exchange, Route } from '../../types.js';

import { defineCheck } from '../define.js';
import family from './index.js';

/** What a careless error handler leaks, with a name for the report. A terse `{"error":"Invalid JSON"}` matches none. */
const LEAKS: [RegExp, string][] = [
  [/Traceback \(most recent call last\)/, 'a Python traceback'],
  // Quotes may arrive HTML-escaped (Werkzeug's debugger page).
  [/File (?:"|&quot;)[^"\n&]+\.py(?:"|&quot;), line \d+/, 'Python source file paths with line numbers'],
  [/\[json\.exception\.[a-z_]+\.\d+\]/, "the JSON parser's exception text (nlohmann::json, as llama.cpp forwards it)"],
  [/\bat [\w$.<>]+\([\w$]+\.(?:java|kt|scala):\d+\)/, 'a Java stack trace'],
  [/\bat (?:[\w$.<>[\] ]+ \()?(?:file:\/\/|\/|[A-Za-z]:\\)[^\s)]+\.[cm]?[jt]s:\d+:\d+\)?/, 'a JavaScript stack trace'],
  [/goroutine \d+ \[[a-z ]+\]:/, 'a Go panic trace'],
  [/panicked at [^\s]+\.rs:\d+/, 'a Rust panic location'],
  [/(?:^|[\s"'(=])(?:\/[\w.@+-]+){2,}\/[\w.@+-]+\.(?:py|pyx|cpp|cc|cxx|hpp|h|go|rs|java|rb|php|[cm]?js|ts):\d+/, 'source file paths with line numbers'],
  [/Fatal error: .+ in \/[^\s]+\.php on line \d+/, 'a PHP fatal error'],
];

/** The kinds of internals an error body shows (empty when it is terse). */
export function verboseErrorLeaks(body: string): string[] {
  return LEAKS.filter(([re]) => re.test(body)).map(([, name]) => name);
}

/** A JSON object cut off mid-value: every parser refuses it, and how it says so is the finding. */
export const MALFORMED_JSON = '{"prompt": ';

/** Routes worth one malformed request: open inference routes of distinct body shapes first (their handler parses), then guarded ones. */
function routesToTry(routes: Route[], withUserKey: boolean): Route[] {
  const inference = routes.filter((r) => r.kind === 'inference' && r.method === 'POST');
  const ordered = [...inference.filter((r) => r.access === 'open'), ...inference.filter((r) => r.access !== 'open' && (withUserKey || r.access === 'unknown'))];
  const seen = new Set<string>();
  return ordered
    .filter((r) => {
      const shape = r.shape ?? 'wrapper';
      if (seen.has(shape)) return false;
      seen.add(shape);
      return true;
    })
    .slice(0, 3);
}

export default defineCheck(family, {
  id: 'exposure-verbose-errors',
  depth: 'standard',
  async run(ctx) {
    const withUserKey = Object.keys(ctx.target.credentials).length > 0;
    const routes = routesToTry(ctx.surface.routes, withUserKey);
    if (routes.length === 0) {
      ctx.mark('exposure.verbose-errors', 'inconclusive', 'No inference route the scan could reach was found to send malformed input to.');
      return [];
    }
    const answers = await Promise.all(
      routes.map((r) =>
        ctx.send({
          method: r.method,
          path: r.path,
          body: MALFORMED_JSON,
          purpose: `verbose errors: truncated JSON to ${r.method} ${r.path}`,
          // Behind the user's key the handler's own parser answers, not the auth layer.
          ...(withUserKey && r.access !== 'open' ? { credentials: 'user' as const } : {}),
        }),
      ),
    );
    const hits = answers
      .map((exchange, i) => ({ exchange, route: routes[i]!, leaks: exchange.response ? verboseErrorLeaks(exchange.response.body) : [] }))
      .filter((h) => h.leaks.length > 0);
    if (hits.length === 0) return [];
    const [main, ...others] = hits as [{ exchange: Exchange; route: Route; leaks: string[] }, ...{ exchange: Exchange; route: Route; leaks: string[] }[]];
    const leaks = [...new Set(hits.flatMap((h) => h.leaks))];
    return [
      ctx.finding({
        rule: 'exposure.verbose-errors',
        confidence: 'confirmed',
        description:
          `A truncated JSON body to ${main.route.method} ${new URL(main.exchange.request.url).pathname} was ` +
          `answered (status ${main.exchange.response!.status}) with ${leaks.join(', ')}: ` +
          'internals that tell an attacker which parser, framework and files sit behind the API.',
        exchange: main.exchange,
        ...(others.length ? { extra: others.map((h) => h.exchange) } : {}),
        notes: hits.map((h) => `${h.route.method} ${h.route.path}: ${h.leaks.join(', ')}`),
      }),
    ];
  },
});
