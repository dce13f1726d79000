// What a route's rejection of our request says about the request it wants. Validators are maps of a route: pydantic's 422
// (v1 and v2) names every missing field and the bounds of every number, express-validator, zod and Joi name the field and
// the rule, a hand-written 400 ("prompt is required", Flask's abort page) names the field in prose, a 405 lists the methods
// in `Allow`, a 415 asks for another encoding. Pure: one exchange in, one lesson out.
import type { Exchange, FieldSpec } from '../types.js';
import { isHeaderName, isHttpMethod } from '../untrusted.js';
import { isObject, parseResponse } from './json.js';
import { isErrorReport } from './model-output.js';

export interface FieldLesson {
  /** Dotted for nested fields (`input.text`); array indexes dropped (`messages.0.content` → `messages`). */
  name: string;
  where: 'body' | 'query' | 'header';
  /** What the validator said about the value: a type, a minimum, the values allowed. */
  spec: Partial<FieldSpec>;
}

export interface Lesson {
  fields: FieldLesson[];
  /** Fields the route says must not be sent (pydantic `extra=forbid`, zod strict objects). */
  forbidden: string[];
  /** 405: the methods `Allow` lists. */
  allow?: string[];
  /** The route wants another body encoding (415, or a validator that says so). */
  encoding?: 'form' | 'multipart' | 'text' | 'json';
  /** A redirect to the same path with or without its trailing slash (Django's APPEND_SLASH, Flask's strict slashes). */
  moved?: string;
}

const EMPTY: Lesson = { fields: [], forbidden: [] };

/** Words a prose error uses that are never the name of a field. */
const NOT_A_FIELD =
  /^(body|request|json|payload|field|fields|value|this|it|the|a|an|parameter|param|property|key|argument|object|string|number|integer|input value|content-type|application|server|browser|proxy|error|missing|required|invalid)$/i;
const IDENT = '[A-Za-z_][A-Za-z0-9_.-]{0,40}';

/** Where validators keep their list of complaints. */
function issueList(json: unknown): unknown[] | null {
  if (Array.isArray(json)) return json;
  if (!isObject(json)) return null;
  for (const key of ['detail', 'errors', 'issues', 'details', 'error']) {
    const v = json[key];
    if (Array.isArray(v)) return v;
    if (isObject(v)) {
      const inner = issueList(v);
      if (inner) return inner;
    }
  }
  return null;
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

/** `'a' or 'b'`, `'a', 'b' or 'c'` (pydantic v2's `expected`): the quoted values. */
function quotedValues(text: string): string[] {
  return [...text.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2] ?? '').filter((s) => s !== '');
}

/** `["input", "text"]` → `input.text`; a list index ends the name (`["messages", 0, "content"]` → `messages`, a list). */
function pathName(loc: unknown[]): string {
  const index = loc.findIndex((p) => typeof p === 'number' || (typeof p === 'string' && /^\d+$/.test(p)));
  const named = (index === -1 ? loc : loc.slice(0, index)).filter((p): p is string => typeof p === 'string');
  return named.join('.') + (index === -1 ? '' : '.0');
}

/** One structured complaint (pydantic v1/v2, express-validator, zod, Joi details) as a lesson about one field. */
function fromIssue(issue: unknown, lesson: Lesson): void {
  if (!isObject(issue)) return;
  const type = String(issue['type'] ?? issue['code'] ?? '');
  const msg = String(issue['msg'] ?? issue['message'] ?? '');
  const ctx = isObject(issue['ctx']) ? issue['ctx'] : isObject(issue['context']) ? issue['context'] : {};
  let where: FieldLesson['where'] = 'body';
  let name = '';
  if (Array.isArray(issue['loc'])) {
    // pydantic: ["body", "prompt"], ["query", "q"], ["header", "x-api-key"]; a bare ["body"] is the body itself.
    const [first, ...rest] = issue['loc'] as unknown[];
    if (first === 'query' || first === 'header' || first === 'body') where = first;
    name = pathName(first === 'query' || first === 'header' || first === 'body' ? rest : (issue['loc'] as unknown[]));
  } else if (Array.isArray(issue['path'])) {
    name = pathName(issue['path'] as unknown[]); // zod, Joi
  } else if (typeof issue['path'] === 'string' || typeof issue['param'] === 'string') {
    name = String(issue['path'] ?? issue['param']); // express-validator v7 / v6
    if (issue['location'] === 'query') where = 'query';
    if (issue['location'] === 'headers') where = 'header';
  } else if (typeof ctx['key'] === 'string') {
    name = ctx['key'];
  }
  if (/extra|unrecognized_keys|not permitted|object\.unknown/i.test(type) || /extra (fields|inputs?) (are )?not permitted|is not allowed$/i.test(msg)) {
    const keys = Array.isArray(issue['keys']) ? issue['keys'].filter((k): k is string => typeof k === 'string') : name ? [name] : [];
    lesson.forbidden.push(...keys);
    return;
  }
  if (!name) {
    if (/dict|object|model_attributes|json/i.test(type + msg) && where === 'body') lesson.encoding ??= 'json';
    return;
  }
  const spec: Partial<FieldSpec> = {};
  const min =
    numberOf(ctx['ge']) ??
    numberOf(ctx['limit_value'] !== undefined && /not_ge|greater_than_equal/.test(type) ? ctx['limit_value'] : undefined) ??
    numberOf(issue['minimum']);
  const gt = numberOf(ctx['gt']) ?? (/not_gt/.test(type) ? numberOf(ctx['limit_value']) : undefined);
  const max = numberOf(ctx['le']) ?? (/not_le|less_than_equal/.test(type) ? numberOf(ctx['limit_value']) : undefined) ?? numberOf(issue['maximum']);
  if (min !== undefined && (/ge|greater|too_small|min/i.test(type) || issue['minimum'] !== undefined)) spec.minimum = min;
  if (gt !== undefined) spec.minimum = Math.floor(gt) + 1;
  if (max !== undefined && (/le|less|too_big|max/i.test(type) || issue['maximum'] !== undefined)) spec.maximum = max;
  const allowed = Array.isArray(ctx['permitted'])
    ? ctx['permitted']
    : Array.isArray(ctx['enum_values'])
      ? ctx['enum_values']
      : Array.isArray(issue['options'])
        ? issue['options']
        : Array.isArray(issue['values'])
          ? issue['values']
          : Array.isArray(ctx['valids'])
            ? ctx['valids']
            : typeof ctx['expected'] === 'string' && /literal|enum/.test(type)
              ? quotedValues(ctx['expected'])
              : null;
  if (allowed?.length) spec.enum = allowed.filter((v): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v));
  if (/int/i.test(type) || issue['expected'] === 'number') spec.type = /int/i.test(type) ? 'integer' : 'number';
  if (/list|array/i.test(type) || issue['expected'] === 'array') spec.type = 'array';
  if (/bool/i.test(type)) spec.type = 'boolean';
  // pydantic v1 type_error.dict, v2 dict_type / model_attributes_type, zod expected "object": the field is an object.
  if (/dict|model_attributes|object\.base/i.test(type) || issue['expected'] === 'object') spec.type = 'object';
  if (/string|str_type/i.test(type) || issue['expected'] === 'string') spec.type = 'string';
  Object.assign(spec, fromProse(msg, name)?.spec ?? {});
  // `messages.0.content` is a chat array: the field to fill is `messages`.
  const field = name.replace(/\.\d+(\..*)?$/, '');
  if (/\.\d+/.test(name)) spec.type = 'array';
  lesson.fields.push({ name: field, where, spec });
}

/** What a sentence says about a field: "max_tokens must be >= 16", "\"model\" must be one of [a, b]", "prompt is required". */
function fromProse(text: string, knownName?: string): FieldLesson | null {
  const t = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&quot;|&#34;|&#x27;|&#39;/g, '"')
    .replace(/\s+/g, ' ');
  let name = knownName ?? '';
  if (!name) {
    const patterns = [
      new RegExp(`["'\`](${IDENT})["'\`]\\s+(?:is|are)\\s+(?:a\\s+)?(?:required|missing|mandatory|not allowed to be empty)`, 'i'),
      new RegExp(
        `(?:missing|required)\\s+(?:required\\s+)?(?:body\\s+|json\\s+|query\\s+)?(?:field|parameter|param|key|argument|property|value)s?\\s*(?:[:=]|named)?\\s*["'\`]?(${IDENT})`,
        'i',
      ),
      new RegExp(`(?:field|parameter|param|key|property|argument)\\s+["'\`]?(${IDENT})["'\`]?\\s+(?:is\\s+)?(?:required|missing|must)`, 'i'),
      new RegExp(`\\bno\\s+["'\`]?(${IDENT})["'\`]?\\s+(?:was\\s+)?(?:provided|given|supplied|found|sent)`, 'i'),
      new RegExp(`\\b(${IDENT})\\s+(?:is|are)\\s+(?:a\\s+)?(?:required|missing|mandatory)`, 'i'),
      new RegExp(`["'\`](${IDENT})["'\`]\\s+(?:must|should)\\s+be`, 'i'),
      new RegExp(`\\b(${IDENT})\\s+(?:must|should)\\s+(?:be|not be empty)`, 'i'),
      new RegExp(`KeyError:?\\s*["'\`](${IDENT})["'\`]`, 'i'),
      new RegExp(`please\\s+(?:provide|send|include)\\s+(?:a\\s+|an\\s+|the\\s+)?["'\`]?(${IDENT})["'\`]?`, 'i'),
    ];
    for (const re of patterns) {
      const m = re.exec(t);
      if (m?.[1] && !NOT_A_FIELD.test(m[1])) {
        name = m[1].replace(/\.$/, '');
        break;
      }
    }
  }
  if (!name) return null;
  const spec: Partial<FieldSpec> = {};
  const min = /(?:>=|≥|at least|greater than or equal to|no less than|minimum(?: value)?(?: is| of)?|min(?:imum)?\s*[:=])\s*(-?\d+)/i.exec(t);
  const gt = /(?:>|greater than)\s*(-?\d+)/i.exec(t);
  const between = /between\s+(-?\d+)\s+and\s+(-?\d+)/i.exec(t);
  const max = /(?:<=|≤|at most|less than or equal to|no more than|maximum(?: value)?(?: is| of)?)\s*(-?\d+)/i.exec(t);
  if (between) {
    spec.minimum = Number(between[1]);
    spec.maximum = Number(between[2]);
  } else {
    if (min) spec.minimum = Number(min[1]);
    else if (gt && !/greater than or equal/i.test(t)) spec.minimum = Number(gt[1]) + 1;
    if (max) spec.maximum = Number(max[1]);
  }
  const oneOf = /one of\s*[:[(]?\s*([^\])]+)/i.exec(t);
  if (oneOf) {
    const quoted = quotedValues(oneOf[1]!);
    const values = quoted.length
      ? quoted
      : oneOf[1]!
          .split(/,\s*|\s+or\s+/)
          .map((s) => s.trim().replace(/[.\]]$/, ''))
          .filter(Boolean);
    if (values.length) spec.enum = values.slice(0, 20);
  }
  return { name, where: 'body', spec };
}

/** Prose of an error answer: JSON string fields (error, message, detail), else the text (HTML tags removed). */
function proseOf(ex: Exchange): string[] {
  const json = parseResponse(ex.response);
  if (json === null) return [ex.response!.body.slice(0, 4096)];
  const out: string[] = [];
  const visit = (v: unknown, depth: number) => {
    if (depth > 3) return;
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) for (const x of v.slice(0, 10)) visit(x, depth + 1);
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) if (/error|message|msg|detail|reason|description/i.test(k) || depth > 0) visit(x, depth + 1);
  };
  visit(json, 0);
  return out;
}

/**
 * Errors keyed by field name, each a list of messages (Django forms `{"errors": {"prompt": [{"message": …}]}}`, DRF
 * serializers `{"prompt": ["This field is required."]}`, zod's `fieldErrors`).
 */
function fieldKeyedErrors(json: unknown): Record<string, unknown>[] {
  if (!isObject(json)) return [];
  const candidates = [json['errors'], json['fieldErrors'], isObject(json['error']) ? json['error']['fieldErrors'] : undefined, json];
  const keyed = (v: unknown): v is Record<string, unknown> =>
    isObject(v) &&
    Object.keys(v).length > 0 &&
    Object.keys(v).length <= 20 &&
    Object.entries(v).every(
      ([k, m]) =>
        /^[A-Za-z_][\w.]{0,40}$/.test(k) &&
        Array.isArray(m) &&
        m.length > 0 &&
        m.every((x) => typeof x === 'string' || (isObject(x) && typeof x['message'] === 'string')),
    );
  return candidates.filter(keyed);
}

/** The lesson in a 400/405/415/422 answer, or in a 2xx that reports an error; empty for anything else. */
export function learnFromRejection(ex: Exchange | undefined): Lesson {
  const res = ex?.response;
  if (!res) return EMPTY;
  if (res.status >= 301 && res.status <= 308) {
    const moved = slashTwin(ex!.request.url, res.headers['location']);
    return moved ? { fields: [], forbidden: [], moved } : EMPTY;
  }
  if (res.status === 405) {
    const allow = (res.headers['allow'] ?? '')
      .split(',')
      .map((m) => m.trim().toUpperCase())
      .filter(isHttpMethod);
    return { ...EMPTY, fields: [], forbidden: [], ...(allow.length ? { allow } : {}) };
  }
  if (res.status === 415) {
    const accepts = `${res.headers['accept'] ?? ''} ${res.headers['accept-post'] ?? ''} ${res.body.slice(0, 500)}`;
    const encoding = /multipart/i.test(accepts)
      ? 'multipart'
      : /x-www-form-urlencoded|form/i.test(accepts)
        ? 'form'
        : /text\/plain/i.test(accepts)
          ? 'text'
          : 'json';
    return { fields: [], forbidden: [], encoding };
  }
  const reportedAs2xx = res.status >= 200 && res.status < 300 && isErrorReport(parseResponse(res));
  if (res.status !== 400 && res.status !== 422 && !reportedAs2xx) return EMPTY;
  const lesson: Lesson = { fields: [], forbidden: [] };
  const issues = issueList(parseResponse(res));
  if (issues) for (const issue of issues.slice(0, 50)) fromIssue(issue, lesson);
  const json = parseResponse(res);
  for (const byField of fieldKeyedErrors(json)) {
    for (const [name, msgs] of Object.entries(byField)) {
      const prose = (Array.isArray(msgs) ? msgs : [msgs]).map((m) => (typeof m === 'string' ? m : isObject(m) ? String(m['message'] ?? '') : '')).join(' ');
      lesson.fields.push({ name, where: 'body', spec: fromProse(prose, name)?.spec ?? {} });
    }
  }
  if (lesson.fields.length === 0 && lesson.forbidden.length === 0) {
    for (const text of proseOf(ex)) {
      // Joi, Marshmallow, ajv: "\"max_tokens\" is not allowed", "Unknown field: text", "must NOT have additional properties".
      const extra = new RegExp(`["'\`](${IDENT})["'\`]\\s+is not allowed|unknown (?:field|key|property|parameter)s?:?\\s*["'\`]?(${IDENT})`, 'i').exec(text);
      if (extra) {
        lesson.forbidden.push((extra[1] ?? extra[2])!);
        break;
      }
      const f = fromProse(text);
      if (f) {
        lesson.fields.push(f);
        break;
      }
      if (/multipart/i.test(text)) lesson.encoding = 'multipart';
      else if (/form data|x-www-form-urlencoded|form field/i.test(text)) lesson.encoding = 'form';
      else if (/request body must be (plain )?text|text\/plain/i.test(text)) lesson.encoding = 'text';
    }
  }
  return lesson;
}

/**
 * The path a redirect leads to when it is the requested path with a trailing slash added or removed, on the same origin:
 * the route itself, asked for by its own spelling. Any other redirect (another host, a login page) is not followed.
 */
function slashTwin(requestUrl: string, location: string | undefined): string | null {
  if (!location) return null;
  try {
    const from = new URL(requestUrl);
    const to = new URL(location, from);
    if (to.origin !== from.origin) return null;
    const a = from.pathname.replace(/\/+$/, '');
    const b = to.pathname.replace(/\/+$/, '');
    return a === b && to.pathname !== from.pathname ? to.pathname + to.search : null;
  } catch {
    return null;
  }
}

/** The credential headers a FastAPI 422 says are missing (`loc: ["header", NAME]`). */
export function missingHeaders(ex: Exchange | undefined): string[] {
  if (ex?.response?.status !== 422) return [];
  return learnFromRejection(ex)
    .fields.filter((f) => f.where === 'header' && isHeaderName(f.name))
    .map((f) => f.name);
}
