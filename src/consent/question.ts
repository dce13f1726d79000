// The question put to the person, and how their answer is read. Everything in it is Gatecrash's own text, numbers, or a
// host or header name as the parsers accept them (letters, digits, dots, dashes, colons; an IDN as punycode): no free
// text a model or a target wrote can dress the question up.
import type { Reach } from './reach.js';
import { type Subject, subjectLabel, subjectSize } from './subjects.js';

export const REMEMBER_CHOICES = { session: 0, '24h': 24 * 60 * 60_000 } as const;
export type RememberChoice = keyof typeof REMEMBER_CHOICES;

/** Hosts listed in full; past it, the count. A person can weigh fifty names, not a thousand. */
const MAX_LISTED = 60;

function describe(s: Subject, origins: string[]): string {
  const label = subjectLabel(s);
  if (s.kind === 'name') {
    const where = origins.length ? ` (${origins.join(', ')})` : '';
    return `${label}${where}; its address is looked up only after you approve`;
  }
  const size = subjectSize(s);
  if (size === 1n) return `${label}${origins.length ? ` (${origins.join(', ')})` : ''}`;
  return `${label} (${size.toLocaleString('en-US')} addresses)`;
}

export function consentQuestion(tool: string, pending: Reach['subjects'], actions: readonly string[]) {
  const listed = pending.slice(0, MAX_LISTED).map(({ subject, origins }) => `  • ${describe(subject, origins)}`);
  if (pending.length > MAX_LISTED) listed.push(`  • … and ${pending.length - MAX_LISTED} more`);
  const message = [
    `Gatecrash (${tool}) asks before it sends anything to ${pending.length === 1 ? 'a host' : 'hosts'} you have not approved:`,
    ...listed,
    'What it will do there:',
    ...actions.map((a) => `  • ${a}`),
    'The assistant chose this target. Approve only if you run this server or may test it; if you did not ask for this scan, decline.',
  ].join('\n');
  return {
    mode: 'form' as const,
    message,
    requestedSchema: {
      type: 'object' as const,
      properties: {
        remember: {
          type: 'string' as const,
          title: 'Allow for',
          oneOf: [
            { const: 'session', title: 'This session only' },
            { const: '24h', title: '24 hours (also in new sessions)' },
          ],
          default: 'session',
        },
      },
    },
  };
}

/** How long the person asked for an approval to last beyond the session (0: the session only). */
export function rememberFor(content: Record<string, unknown> | undefined): number {
  const choice = content?.remember;
  return typeof choice === 'string' && Object.hasOwn(REMEMBER_CHOICES, choice) ? REMEMBER_CHOICES[choice as RememberChoice] : 0;
}
