// FastAPI/pydantic validation errors are a map of what a route wants: `loc: ["body", NAME]` and `loc: ["header", NAME]`.
import { parseJson } from './model-output.js';

export function learnFrom422(body: string): { bodyFields: string[]; headers: string[] } {
  const json = parseJson(body) as { detail?: unknown } | null;
  const out = { bodyFields: [] as string[], headers: [] as string[] };
  if (!json || !Array.isArray(json.detail)) return out;
  for (const d of json.detail as { loc?: unknown }[]) {
    if (!Array.isArray(d?.loc) || d.loc.length < 2) continue;
    const [where, name] = d.loc as unknown[];
    if (typeof name !== 'string') continue;
    if (where === 'body') out.bodyFields.push(name);
    if (where === 'header') out.headers.push(name);
  }
  return out;
}
