// Writes docs/rules.md from the built rule families (run after `npm run build`: npm run docs:rules does both).
import { writeFileSync } from 'node:fs';
import { rulesDoc } from '../dist/knowledge/rules-doc.js';

writeFileSync(new URL('../docs/rules.md', import.meta.url), rulesDoc());
console.log('docs/rules.md written');
