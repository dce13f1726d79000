// The zoo's stand-in for a language model: the same reply every time, cut to the number of words asked for.
// It never repeats the prompt, so a scanner that sees this text knows the model ran rather than an echo of its request.
// Each generation writes one line to stderr and, when ZOO_GENERATIONS_FILE names a file, appends it there before the answer
// is sent: the tests count those lines to prove how often a scan made the model run.
import { appendFileSync } from 'node:fs';

export const REPLY = 'Hello! How can I help you today?';
const WORDS = REPLY.split(' ');

function words(maxWords) {
  if (!Number.isInteger(maxWords) || maxWords < 1) throw new RangeError('maxWords must be a whole number of at least 1');
  const n = Math.min(maxWords, WORDS.length);
  const line = `zoo-model: generated ${n} word(s)\n`;
  process.stderr.write(line);
  if (process.env.ZOO_GENERATIONS_FILE) appendFileSync(process.env.ZOO_GENERATIONS_FILE, line);
  return WORDS.slice(0, n);
}

export function generate(prompt, maxWords = 64) {
  return words(maxWords).join(' ');
}

/** Word by word, with the separating space in front of every word but the first (as token streams do). */
export function* stream(prompt, maxWords = 64) {
  for (const [i, word] of words(maxWords).entries()) yield i === 0 ? word : ` ${word}`;
}
