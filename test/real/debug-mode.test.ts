// exposure.debug-mode against the real frameworks, each in debug mode and in production mode: Django's technical 404
// (DEBUG = True, the project template's default), Flask's Werkzeug debugger (FLASK_DEBUG=1, as `flask run --debug` sets), and FastAPI(debug=True),
// whose Starlette debug handler answers a non-browser client with the bare traceback. The same apps with debug off, and the
// debug-mode Django app behind its key, give no finding. The scans read only the cheap phase's answers for this rule.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../../src/engine/scan.js';
import type { ScanReport } from '../../src/engine/types.js';
import { startDjango, tempDir } from './servers.js';
import { freePort, type RealServer, realServersAvailable, SYSTEM_PYTHON, startProcess, startUvicorn } from './uvicorn.js';

const KEY = 'debug-mode-test-key-0123456789';

/** A Django project whose DEBUG comes from APP_DEBUG, with one POST route and an optional key middleware. */
const DJANGO: Record<string, string> = {
  'manage.py':
    `import os, sys\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")\nfrom ` +
    `django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n`,
  'settings.py': [
    'import os',
    'SECRET_KEY = "test-only-secret-key-for-a-local-django-project"',
    'DEBUG = os.environ.get("APP_DEBUG") == "1"',
    'ALLOWED_HOSTS = ["127.0.0.1", "localhost"]',
    'ROOT_URLCONF = "urls"',
    'INSTALLED_APPS = []',
    'MIDDLEWARE = ["keycheck.KeyMiddleware"] if os.environ.get("APP_KEY") else []',
    'DATABASES = {}',
    '',
  ].join('\n'),
  'urls.py': `from django.urls import path\nimport views\nurlpatterns = [path("api/generate/", views.generate)]\n`,
  'views.py': [
    'import json',
    'from django.http import JsonResponse',
    'from django.views.decorators.csrf import csrf_exempt',
    '@csrf_exempt',
    'def generate(request):',
    '    prompt = json.loads(request.body or b"{}").get("prompt", "")',
    '    return JsonResponse({"text": "Hello! How can I help you today?"})',
    '',
  ].join('\n'),
  'keycheck.py': [
    'import hmac, os',
    'from django.http import JsonResponse',
    'class KeyMiddleware:',
    '    def __init__(self, get_response):',
    '        self.get_response = get_response',
    '    def __call__(self, request):',
    '        given = request.headers.get("X-API-Key", "")',
    '        if not hmac.compare_digest(given.encode(), os.environ["APP_KEY"].encode()):',
    '            return JsonResponse({"error": "unauthorized"}, status=401)',
    '        return self.get_response(request)',
    '',
  ].join('\n'),
};

/** A FastAPI wrapper whose index page reads a model that is not loaded yet: GET / raises. */
const FASTAPI = [
  'import os',
  'from fastapi import FastAPI',
  'app = FastAPI(debug=os.environ.get("APP_DEBUG") == "1")',
  'MODEL = None',
  '@app.get("/")',
  'def index():',
  '    return {"model": MODEL.name}',
  '@app.post("/generate")',
  'def generate(body: dict):',
  '    return {"text": "Hello! How can I help you today?"}',
  '',
].join('\n');

/** The same shape in Flask. */
const FLASK = [
  'from flask import Flask, jsonify, request',
  'app = Flask(__name__)',
  'MODEL = None',
  '@app.get("/")',
  'def index():',
  '    return jsonify(model=MODEL.name)',
  '@app.post("/generate")',
  'def generate():',
  '    return jsonify(text="Hello! How can I help you today?")',
  '',
].join('\n');

const run = realServersAvailable(['django', 'fastapi', 'uvicorn', 'flask'], 'exposure.debug-mode');

async function startFlaskApp(dir: string, debug: boolean): Promise<RealServer> {
  const port = await freePort();
  // FLASK_DEBUG=1 is what `flask run --debug` sets (the option moved between Flask releases; the variable did not).
  const args = ['-m', 'flask', '--app', 'app', 'run', ...(debug ? ['--no-reload'] : []), '--host', '127.0.0.1', '--port', String(port)];
  const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: dir, FLASK_DEBUG: debug ? '1' : '0' };
  return startProcess(SYSTEM_PYTHON, args, dir, env, port);
}

interface Case {
  name: string;
  start: (dir: string) => Promise<RealServer>;
  files: Record<string, string>;
  path: string;
  headers?: Record<string, string>;
  /** The severity of the finding, or null for none. */
  expected: 'high' | 'medium' | null;
}

const CASES: Case[] = [
  { name: 'Django, DEBUG = True', files: DJANGO, start: (d) => startDjango(d, { APP_DEBUG: '1' }), path: '/api/generate/', expected: 'medium' },
  { name: 'Django, DEBUG = False', files: DJANGO, start: (d) => startDjango(d, { APP_DEBUG: '0' }), path: '/api/generate/', expected: null },
  {
    name: 'Django, DEBUG = True behind its key',
    files: DJANGO,
    start: (d) => startDjango(d, { APP_DEBUG: '1', APP_KEY: KEY }),
    path: '/api/generate/',
    expected: null,
  },
  { name: 'Flask, --debug', files: { 'app.py': FLASK }, start: (d) => startFlaskApp(d, true), path: '/generate', expected: 'high' },
  { name: 'Flask, production', files: { 'app.py': FLASK }, start: (d) => startFlaskApp(d, false), path: '/generate', expected: null },
  {
    name: 'FastAPI, debug=True',
    files: { 'app.py': FASTAPI },
    start: (d) => startUvicorn(d, 'app:app', { APP_DEBUG: '1' }),
    path: '/generate',
    expected: 'medium',
  },
  {
    name: 'FastAPI, debug=False',
    files: { 'app.py': FASTAPI },
    start: (d) => startUvicorn(d, 'app:app', { APP_DEBUG: '0' }),
    path: '/generate',
    expected: null,
  },
];

describe.runIf(run)('exposure.debug-mode on real frameworks', () => {
  const table: string[] = [];
  afterAll(() => console.log(`\n| app | exposure.debug-mode |\n|---|---|\n${table.join('\n')}`));

  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s',
    async (_name, c) => {
      const tmp = tempDir('debug-mode');
      for (const [file, text] of Object.entries(c.files)) writeFileSync(join(tmp.dir, file), text);
      const server = await c.start(tmp.dir);
      let report: ScanReport;
      try {
        report = await scan({ url: `${server.url}${c.path}`, headers: c.headers ?? {} }, { depth: 'quick', rules: ['exposure.debug-mode'] });
      } finally {
        await server.stop();
        tmp.remove();
      }
      const findings = report.findings.filter((f) => f.rule === 'exposure.debug-mode');
      table.push(`| ${c.name} | ${findings.map((f) => `${f.severity}: ${f.title}`).join(', ') || 'none'} |`);
      expect(report.rules.find((r) => r.rule === 'exposure.debug-mode')?.status).toBe(c.expected ? 'fail' : 'pass');
      expect(findings.map((f) => f.severity)).toEqual(c.expected ? [c.expected] : []);
      if (c.expected) expect(findings[0]!.description).toMatch(/to a request without credentials/);
    },
    60_000,
  );
});
