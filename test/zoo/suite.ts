// One framework's share of the zoo, for one test file (vitest spreads the files over its workers): each app proven by hand,
// then scanned in every form, a few at a time, and the zoo table printed at the end. The real servers are required like the
// other real-server tests: missing ones skip loudly, and fail under GATECRASH_REQUIRE_REAL_SERVERS=1.
import { afterAll, describe, it } from 'vitest';
import { binaryAvailable } from '../real/servers.js';
import { realServersAvailable } from '../real/uvicorn.js';
import { proveGuarded, proveOpen, proveRefusesWithoutKey } from './behaviour.js';
import { type Framework, ZOO, type ZooApp } from './catalog.js';
import { type Front, stopEverything } from './launch.js';
import { type Row, scanGuarded, scanGuardedWithKey, scanOpen, scanTlsInsecure, scanTlsWithoutOptions, scanWithoutTemplate, zooTable } from './scans.js';

/** The Python modules a framework's apps import, with the Debian packages that provide them. */
const PYTHON: Partial<Record<Framework, { modules: string[]; apt: string }>> = {
  FastAPI: { modules: ['fastapi', 'uvicorn'], apt: 'python3-fastapi python3-uvicorn' },
  Flask: { modules: ['flask'], apt: 'python3-flask' },
  Django: { modules: ['django'], apt: 'python3-django' },
  'http.server': { modules: ['http.server'], apt: 'python3' },
};

/** Whether everything the framework's apps run on is installed (skips loudly, or throws under GATECRASH_REQUIRE_REAL_SERVERS=1). */
function serversAvailable(framework: Framework, apps: ZooApp[]): boolean {
  const what = `the ${framework} apps of the zoo`;
  const python = PYTHON[framework];
  if (python && !realServersAvailable(python.modules, `${what} (install ${python.apt})`)) return false;
  const needed: Record<Front['kind'], string[]> = { 'nginx-prefix': ['nginx'], 'nginx-tls': ['nginx', 'openssl'], caddy: ['caddy'] };
  const binaries = new Set(apps.flatMap((a) => (a.front ? needed[a.front.kind] : [])));
  const version: Record<string, string[]> = { nginx: ['-v'], caddy: ['version'], openssl: ['version'] };
  return [...binaries].every((bin) => binaryAvailable(bin, version[bin]!, what, bin));
}

/** At most `n` bodies at once: each one runs real servers and a scan on a machine shared with the other test files. */
function limiter(n: number): <T>(body: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (body) => {
    // A finished body hands its slot to the next waiting one directly, so no newcomer can slip in between.
    if (running < n) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await body();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

const SCAN_TIMEOUT = 120_000;

export function zooSuite(framework: Framework): void {
  const apps = ZOO.filter((a) => a.framework === framework);
  describe.runIf(serversAvailable(framework, apps))(`the wrapper zoo: ${framework}`, () => {
    const rows: Row[] = [];
    const slot = limiter(3);
    afterAll(async () => {
      await stopEverything();
      if (rows.length) console.log(`\nThe wrapper zoo, ${framework} (${apps.length} apps)\n${zooTable(rows, ZOO)}\n`);
    });

    describe.concurrent('each app, by hand (no scanner)', () => {
      for (const app of apps) {
        it(`${app.name}: the open form answers anyone with the model's reply, cut to the requested length`, () => slot(() => proveOpen(app)), SCAN_TIMEOUT);
        it(`${app.name}: the guarded form refuses to start without its key`, () => slot(() => proveRefusesWithoutKey(app)), SCAN_TIMEOUT);
        it(
          `${app.name}: the guarded form serves the key only, everywhere, and locks out after 10 wrong keys`,
          () => slot(() => proveGuarded(app)),
          SCAN_TIMEOUT,
        );
      }
    });

    describe.concurrent('each app, scanned at standard depth (a fresh server per scan)', () => {
      for (const app of apps) {
        it(`${app.name}: the open form fails ${app.openRule}, graded D or F`, () => slot(() => scanOpen(app, rows)), SCAN_TIMEOUT);
        it(`${app.name}: the guarded form, scanned without a key, has no auth finding`, () => slot(() => scanGuarded(app, rows)), SCAN_TIMEOUT);
        if (app.scanWithKey) {
          const expectation = app.weakQueryKey ? 'fails auth.weak-key-handling (the key is also read from ?key=)' : 'fails no auth rule';
          it(`${app.name}: the guarded form, scanned with the key, ${expectation}`, () => slot(() => scanGuardedWithKey(app, rows)), SCAN_TIMEOUT);
        }
        if (app.request) {
          it(`${app.name}: without --request the scan is incomplete and ungraded`, () => slot(() => scanWithoutTemplate(app, rows)), SCAN_TIMEOUT);
        }
        if (app.selfSignedTls) {
          it(`${app.name}: without TLS options the scan names --insecure and --ca`, () => slot(() => scanTlsWithoutOptions(app, rows)), SCAN_TIMEOUT);
          it(`${app.name}: with insecure TLS the open form fails ${app.openRule}`, () => slot(() => scanTlsInsecure(app, rows)), SCAN_TIMEOUT);
        }
      }
    });
  });
}
