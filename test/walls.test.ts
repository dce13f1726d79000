// The house's walls, guarded: each is a rule about which module may import what, checked on every source file's real
// import statements (comments, strings and template literals are skipped, so the Express code a knowledge template emits
// for the user is not taken for Gatecrash's own imports).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The code of a file without its comments and without the text of its template literals (a template's `${…}` is code
 * again). Plain strings are kept when `keepStrings` (import specifiers are plain strings), blanked otherwise.
 */
function codeOnly(source: string, keepStrings: boolean): string {
  let code = '';
  const stack: ('tpl' | 'expr')[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    const inTemplate = stack[stack.length - 1] === 'tpl';
    if (inTemplate) {
      if (c === '\\') i += 2;
      else if (c === '`') {
        stack.pop();
        code += '`';
        i++;
      } else if (c === '$' && next === '{') {
        stack.push('expr');
        code += '${';
        i += 2;
      } else i++;
      continue;
    }
    if (c === '\\') {
      // Outside strings a backslash only occurs in a regular expression: its next character is never a comment or a quote.
      code += source.slice(i, i + 2);
      i += 2;
    } else if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 2;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      code += keepStrings ? source.slice(i, j + 1) : `${c}${c}`;
      i = j + 1;
    } else if (c === '`') {
      stack.push('tpl');
      code += '`';
      i++;
    } else if (c === '}' && stack[stack.length - 1] === 'expr') {
      stack.pop();
      code += '}';
      i++;
    } else if (c === '{' && stack.length) {
      stack.push('expr');
      code += c;
      i++;
    } else {
      code += c;
      i++;
    }
  }
  return code;
}

/** The module specifiers a file imports: static `import … from`, `export … from`, `import 'x'` and `import('x')`. */
function importsOf(source: string): string[] {
  const code = codeOnly(source, true);
  const specifiers = [
    ...code.matchAll(/(?:^|[;\n}])\s*(?:import|export)\s[^;'"`]*?\sfrom\s*['"]([^'"]+)['"]/g),
    ...code.matchAll(/(?:^|[;\n}])\s*import\s*['"]([^'"]+)['"]/g),
    ...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return specifiers.map((m) => m[1]!);
}

interface Module {
  /** Path relative to src/, with forward slashes. */
  path: string;
  /** What it imports: package names, `node:` builtins, and relative imports resolved to src/-relative paths. */
  imports: string[];
}

const MODULES: Module[] = sourceFiles(SRC).map((file) => {
  const path = relative(SRC, file).split('\\').join('/');
  const imports = importsOf(readFileSync(file, 'utf8')).map((spec) =>
    spec.startsWith('.')
      ? relative(SRC, resolve(dirname(file), spec))
          .split('\\')
          .join('/')
          .replace(/\.js$/, '.ts')
      : spec,
  );
  return { path, imports };
});

const under = (dir: string) => (m: Module) => m.path.startsWith(`${dir}/`);
const SOCKETS = /^(node:)?(http|https|http2|net|tls|dns|dgram)(\/|$)|^undici$/;
const IO = /^(node:)?(fs|fs\/promises|child_process|os|worker_threads|http|https|net|tls|dns)(\/|$)|^undici$|^pino$/;

/** Every import of `modules` that `forbidden` matches, as "file → import". */
function violations(modules: Module[], forbidden: (spec: string) => boolean): string[] {
  return modules.flatMap((m) => m.imports.filter(forbidden).map((spec) => `${m.path} → ${spec}`));
}

describe('the walls of the house', () => {
  it('reads imports from code only (comments, strings and template text are not imports)', () => {
    const src = [
      "import { a } from './a.js';",
      "export { b } from './b.js';",
      "import './side-effect.js';",
      "// import { c } from 'node:http';",
      'const s = "import { d } from \'node:net\'";',
      'const t = `import { e } from "node:tls"; ${await import(\'./f.js\')}`;',
      "const g = await import('./g.js');",
    ].join('\n');
    expect(importsOf(src).sort()).toEqual(['./a.js', './b.js', './f.js', './g.js', './side-effect.js']);
  });

  it('the engine never imports the MCP SDK, the tools, the server, the CLI, the commands, the transports or the reports', () => {
    const outside = /^@modelcontextprotocol\/|^(tools|server|cli|commands|transport|report|resources|prompts|store)(\/|\.ts$)/;
    expect(violations(MODULES.filter(under('engine')), (s) => outside.test(s))).toEqual([]);
  });

  it('only src/engine/http opens sockets or resolves names (besides the transports, the demo target and the CLI that serves MCP)', () => {
    const allowed = (m: Module) => under('engine/http')(m) || under('transport')(m) || under('demo')(m) || m.path === 'cli.ts';
    expect(
      violations(
        MODULES.filter((m) => !allowed(m)),
        (s) => SOCKETS.test(s),
      ),
    ).toEqual([]);
  });

  it('reports, the knowledge base and the server profiles are pure: no I/O, no clock, no randomness', () => {
    const pure = MODULES.filter((m) => under('report')(m) || under('knowledge')(m) || under('engine/profiles')(m));
    expect(violations(pure, (s) => IO.test(s))).toEqual([]);
    const impure = pure.filter((m) =>
      /\bDate\.now\(|new Date\(\)|Math\.random\(|\bprocess\.(env|argv|stdout|stderr)\b/.test(codeOnly(readFileSync(join(SRC, m.path), 'utf8'), false)),
    );
    expect(impure.map((m) => m.path)).toEqual([]);
  });

  it('tools are adapters: they never probe (no engine/http, no surface, no checks)', () => {
    expect(violations(MODULES.filter(under('tools')), (s) => /^engine\/(http\/client|surface|checks)\//.test(s) || SOCKETS.test(s))).toEqual([]);
  });

  it("the scan view (src/view) runs in a browser: its own files, pure report and knowledge modules, the extension's types; never markup from strings", () => {
    const view = MODULES.filter(under('view'));
    const allowed = /^(view\/|report\/(format|view-payload)\.ts$|knowledge\/(framework-info|types)\.ts$|engine\/types\.ts$|@modelcontextprotocol\/ext-apps$)/;
    expect(violations(view, (s) => !allowed.test(s))).toEqual([]);
    const markup = /\.(innerHTML|outerHTML|insertAdjacentHTML)\b|document\.write|\beval\(|new Function\(|setAttribute\(\s*['"]on|\.on[a-z]+\s*=/;
    expect(view.filter((m) => markup.test(codeOnly(readFileSync(join(SRC, m.path), 'utf8'), true))).map((m) => m.path)).toEqual([]);
  });

  it('rule families never import each other (shared probing lives in engine/probes, one import path each)', () => {
    const familyOf = (path: string) => /^engine\/rules\/([^/]+)\//.exec(path)?.[1];
    const crossing = MODULES.filter((m) => familyOf(m.path)).flatMap((m) =>
      m.imports.filter((s) => familyOf(s) && familyOf(s) !== familyOf(m.path)).map((s) => `${m.path} → ${s}`),
    );
    expect(crossing).toEqual([]);
    expect(MODULES.filter(under('engine/checks')).map((m) => m.path)).toEqual([]);
    expect(
      MODULES.filter(under('engine/probes'))
        .filter((m) => isCheckModule(m.path))
        .map((m) => m.path),
    ).toEqual([]);
  });

  it("the engine never imports the knowledge base at run time: only its types (a rule family's explanation gets its helpers as arguments)", () => {
    const runtime = MODULES.filter(under('engine')).flatMap((m) => {
      const code = codeOnly(readFileSync(join(SRC, m.path), 'utf8'), true);
      const valueImports = [...code.matchAll(/(?:^|[;\n}])\s*(?:import|export)\s(?!type\s)[^;'"`]*?\sfrom\s*['"]([^'"]+)['"]/g)].map((x) => x[1]!);
      return valueImports
        .filter((s) => s.startsWith('.') && relative(SRC, resolve(dirname(join(SRC, m.path)), s)).startsWith('knowledge'))
        .map((s) => `${m.path} → ${s}`);
    });
    expect(runtime).toEqual([]);
  });
});

/** A check module is one that calls defineCheck (a helper beside the checks does not). */
function isCheckModule(path: string): boolean {
  return /\bdefineCheck\(/.test(readFileSync(join(SRC, path), 'utf8'));
}
