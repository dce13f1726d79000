// docs/rules.md is the rule catalog as the repository shows it: generated from the rule families, never stale.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../src/engine/types.js';
import { rulesDoc } from '../../src/knowledge/rules-doc.js';

describe('docs/rules.md', () => {
  it('is what `npm run docs:rules` generates from the rule families (run it after changing a rule)', () => {
    const onDisk = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
    expect(onDisk === rulesDoc(), 'docs/rules.md is out of date: run npm run docs:rules').toBe(true);
  });

  it('lists every rule id with its own section', () => {
    const doc = rulesDoc();
    for (const id of RULE_IDS) expect(doc).toContain(`\n## ${id}\n`);
  });
});
