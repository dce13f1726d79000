// Small inference wrappers that parse the body themselves (`json.loads(request.data)`), to tell verbose errors from terse
// ones (exposure.verbose-errors). Not a product of docs/servers/: the three ways such wrappers answer a broken body.
// - 'flask-debug': Flask with `debug=True`; the JSONDecodeError is unhandled, so Werkzeug's debugger page answers 500
//   with the traceback (rendered, and in plain text in the "copy-paste" textarea), file paths included;
// - 'json-traceback': FastAPI with a catch-all exception handler returning `traceback.format_exc()` in JSON;
// - 'terse': FastAPI with the same handler done right: `{"error":"Invalid JSON body"}`, details logged server-side.
// POST /generate {"prompt": "…"} → {"response": "…"}; a body without a prompt is a 400 in every mode.
import type { ServerResponse } from 'node:http';
import { type EmulatorRequest, type RunningTarget, sendJson, sendText, startTarget } from './harness.js';
import { isRecord, mistralReply, numberField } from './mistral-model.js';

export type ErrorStyle = 'flask-debug' | 'json-traceback' | 'terse';

/** Python's JSONDecodeError message for a body cut short (the probe's `{"prompt": ` ends at column 12). */
function pythonJsonError(body: string): string {
  const pos = body.length;
  return `Expecting value: line 1 column ${pos + 1} (char ${pos})`;
}

function pythonTraceback(body: string, app: 'flask' | 'fastapi'): string {
  const frames =
    app === 'flask'
      ? [
          ['/usr/local/lib/python3.11/site-packages/flask/app.py', 1478, 'wsgi_app', 'response = self.full_dispatch_request()'],
          ['/usr/local/lib/python3.11/site-packages/flask/app.py', 880, 'full_dispatch_request', 'rv = self.dispatch_request()'],
          ['/srv/mistral-api/server.py', 21, 'generate', 'data = json.loads(request.data)'],
        ]
      : [['/srv/mistral-api/app/main.py', 34, 'generate', 'data = json.loads(await request.body())']];
  const lib = [
    ['/usr/local/lib/python3.11/json/__init__.py', 346, 'loads', 'return _default_decoder.decode(s)'],
    ['/usr/local/lib/python3.11/json/decoder.py', 337, 'decode', 'obj, end = self.raw_decode(s, idx=_w(s, 0).end())'],
    ['/usr/local/lib/python3.11/json/decoder.py', 355, 'raw_decode', 'raise JSONDecodeError("Expecting value", s, err.value) from None'],
  ];
  const lines = [...frames, ...lib].map(([file, line, fn, code]) => `  File "${file}", line ${line}, in ${fn}\n    ${code}`);
  return `Traceback (most recent call last):\n${lines.join('\n')}\njson.decoder.JSONDecodeError: ${pythonJsonError(body)}\n`;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function werkzeugDebugger(body: string): string {
  const tb = pythonTraceback(body, 'flask');
  return (
    '<!doctype html>\n<html lang=en>\n  <head>\n' +
    `    <title>json.decoder.JSONDecodeError: ${pythonJsonError(body)}\n // Werkzeug Debugger</title>\n` +
    '    <link rel="stylesheet" href="?__debugger__=yes&amp;cmd=resource&amp;f=style.css">\n  </head>\n  <body style="background-color: #fff">\n' +
    '    <div class="debugger">\n<h1>JSONDecodeError</h1>\n<div class="detail">\n' +
    `  <p class="errormsg">json.decoder.JSONDecodeError: ${pythonJsonError(body)}\n</p>\n</div>\n` +
    '<h2 class="traceback">Traceback <em>(most recent call last)</em></h2>\n' +
    '<div class="plain">\n    <p>This is the Copy/Paste friendly version of the traceback.</p>\n' +
    `    <textarea cols="50" rows="10" name="code" readonly>${escapeHtml(tb)}</textarea>\n</div>\n` +
    '    </div>\n  </body>\n</html>\n'
  );
}

export async function startVerboseErrorsServer(style: ErrorStyle): Promise<RunningTarget> {
  const generate = (req: EmulatorRequest, res: ServerResponse) => {
    if (req.jsonError !== undefined) {
      if (style === 'flask-debug') return sendText(res, 500, werkzeugDebugger(req.body), { 'content-type': 'text/html; charset=utf-8' });
      if (style === 'json-traceback') return sendJson(res, 500, { error: pythonJsonError(req.body), traceback: pythonTraceback(req.body, 'fastapi') });
      return sendJson(res, 400, { error: 'Invalid JSON body' });
    }
    const body = isRecord(req.json) ? req.json : {};
    if (typeof body.prompt !== 'string' || body.prompt === '') return sendJson(res, 400, { error: 'prompt is required' });
    const maxTokens = numberField(body, 'max_tokens', 'max_new_tokens') ?? 64;
    req.markInference(maxTokens);
    sendJson(res, 200, { response: mistralReply(maxTokens) });
  };
  return startTarget(
    (req, res) => {
      if (req.path === '/generate') {
        if (req.method === 'POST') return generate(req, res);
        return style === 'flask-debug'
          ? sendText(
              res,
              405,
              '<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not ' +
                'Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n',
              { 'content-type': 'text/html; charset=utf-8', allow: 'OPTIONS, POST' },
            )
          : sendJson(res, 405, { detail: 'Method Not Allowed' }, { allow: 'POST' });
      }
      return style === 'flask-debug'
        ? sendText(
            res,
            404,
            '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested ' +
              'URL was not found on the server. If you entered the URL manually please check your spelling and try ' +
              'again.</p>\n',
            { 'content-type': 'text/html; charset=utf-8' },
          )
        : sendJson(res, 404, { detail: 'Not Found' });
    },
    { serverHeader: style === 'flask-debug' ? 'Werkzeug/3.0.1 Python/3.11.2' : 'uvicorn' },
  );
}
