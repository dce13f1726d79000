// --source FILE[:LINE]: the code that serves the scanned route, so that code scanning attaches each result to it. The file
// is named relative to the repository root (where CI runs the scan); it must exist, so that a typo is caught here rather
// than becoming an alert on a file GitHub cannot show.
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { SourceLocation } from '../report/sarif.js';
import { UsageError } from './usage-error.js';

export function parseSource(text: string, label: string, cwd = process.cwd()): SourceLocation {
  const m = /^(.+?)(?::(\d+))?$/.exec(text.trim());
  const file = m?.[1] ?? '';
  const line = m?.[2] === undefined ? undefined : Number(m[2]);
  const example = `e.g. ${label} app/main.py:42`;
  if (!file || /^[a-z][a-z0-9+.-]*:\/\//i.test(file)) throw new UsageError(`${label} takes FILE[:LINE], a file of the repository (${example}).`);
  if (line !== undefined && (line < 1 || line > 10_000_000)) throw new UsageError(`${label} takes a line number from 1 (${example}).`);
  const path = relative(cwd, resolve(cwd, file));
  if (path === '' || path.startsWith('..') || isAbsolute(path)) {
    throw new UsageError(
      `${label} ${file.slice(0, 120)}: the file must be inside the folder the scan runs in (the repository ` +
        `root), since code scanning names files relative to it.`,
    );
  }
  let isFile = false;
  try {
    isFile = statSync(resolve(cwd, path)).isFile();
  } catch {
    // does not exist: said below
  }
  if (!isFile) throw new UsageError(`${label} ${file.slice(0, 120)}: there is no such file (paths are relative to the folder the scan runs in).`);
  return { file: path.split(sep).join('/'), ...(line !== undefined ? { line } : {}) };
}
