// Turning what the user typed into a Target, with a sentence for every way it can be wrong.
import type { RequestTemplate, Target } from './types.js';

export class TargetError extends Error {
  override readonly name = 'TargetError';
}

/** Header names are tokens; values must not carry line breaks (header injection). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function parseHeaderLine(line: string): [string, string] {
  const i = line.indexOf(':');
  // Never echo the text: a header given without its name ("Bearer sk-…") is the credential itself.
  if (i <= 0)
    throw new TargetError("A header must look like 'Name: value'; the one given has no name before ':' (its text is not shown, as it may hold a credential).");
  const name = line.slice(0, i).trim();
  const value = line.slice(i + 1).trim();
  return checkHeader(name, value);
}

export function checkHeader(name: string, value: string): [string, string] {
  if (!HEADER_NAME.test(name)) {
    throw new TargetError("A header name is not a valid header name (letters, digits and !#$%&'*+.^_`|~- only); it is not shown, as it may hold a credential.");
  }
  if (/[\r\n\0]/.test(value)) throw new TargetError(`The value of header ${name} contains a line break or NUL, which is not allowed.`);
  if (value.length > 8192) throw new TargetError(`The value of header ${name} is longer than 8 KiB.`);
  return [name, value];
}

/**
 * Where profile routes are tried besides the origin root. A trailing slash marks a base (`/api/` → `/api`);
 * a path that ends in a known route name is that route, and its base is what comes before it.
 */
export function basePathOf(pathname: string, knownRoutePaths: string[]): string {
  if (pathname === '/' || pathname === '') return '';
  if (pathname.endsWith('/')) return pathname.replace(/\/+$/, '');
  for (const route of [...knownRoutePaths].sort((a, b) => b.length - a.length)) {
    if (route !== '/' && pathname.endsWith(route)) return pathname.slice(0, pathname.length - route.length).replace(/\/+$/, '');
  }
  return pathname.slice(0, pathname.lastIndexOf('/'));
}

export function createTarget(rawUrl: string, credentials: Record<string, string> = {}, knownRoutePaths: string[] = []): Target {
  const trimmed = rawUrl.trim();
  if (!trimmed) throw new TargetError('No URL was given. Pass the endpoint, e.g. http://127.0.0.1:8000/generate.');
  if (trimmed.length > 2048) throw new TargetError('The URL is longer than 2048 characters.');
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
  } catch {
    throw new TargetError(`'${trimmed.slice(0, 80)}' is not a valid URL. Use the form http://host:port/path.`);
  }
  url.hash = '';
  const creds: Record<string, string> = {};
  for (const [k, v] of Object.entries(credentials)) {
    const [name, value] = checkHeader(k, v);
    creds[name] = value;
  }
  return { url, origin: url.origin, basePath: basePathOf(url.pathname, knownRoutePaths), credentials: creds };
}

/** Methods a request template may use: the ones inference routes take. */
const TEMPLATE_METHODS = ['GET', 'POST', 'PUT', 'PATCH'];

/**
 * The user's explicit request (`--request 'POST /api/ask {"question": "{{prompt}}"}'`): a method, a path with its query,
 * and an optional body (JSON or text), with `{{prompt}}` where the prompt goes and optionally `{{max_tokens}}`.
 */
export function parseRequestTemplate(text: string): RequestTemplate {
  const t = text.trim();
  const example = `for example --request 'POST /api/ask {"question": "{{prompt}}"}'`;
  if (t.length > 16_384) throw new TargetError('The request template is longer than 16 KiB.');
  const m = /^([A-Za-z]+)\s+(\S+)(?:\s+([\s\S]+))?$/.exec(t);
  if (!m) throw new TargetError(`A request template is 'METHOD /path [body]', ${example}.`);
  const method = m[1]!.toUpperCase();
  const path = m[2]!;
  if (!TEMPLATE_METHODS.includes(method))
    throw new TargetError(`A request template's method must be one of ${TEMPLATE_METHODS.join(', ')}; got ${method.slice(0, 16)}.`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) throw new TargetError(`A request template takes a path, not a URL (the scan's URL names the host): ${example}.`);
  if (!path.startsWith('/')) throw new TargetError(`A request template's path must start with '/', ${example}.`);
  if (/[\r\n\0]/.test(path)) throw new TargetError("A request template's path contains a line break or NUL.");
  const body = m[3];
  if (!path.includes('{{prompt}}') && !body?.includes('{{prompt}}'))
    throw new TargetError(`A request template must say where the prompt goes with {{prompt}}, ${example}.`);
  if (body !== undefined && method === 'GET')
    throw new TargetError('A GET request template has no body: put {{prompt}} in the query string, e.g. GET /ask?q={{prompt}}.');
  return { method, path, ...(body !== undefined ? { body } : {}) };
}
