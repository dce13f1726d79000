// What a call reaches and does there, worked out from its arguments before anything is sent: the subject of the question.
import { type Subject, subjectLabel, subjectOfUrl } from './subjects.js';

/** What a call will do, for the question: where (hosts with the origins it will contact) and what (one line each). */
export interface Reach {
  subjects: { subject: Subject; origins: string[] }[];
  /** What the call sends there, one sentence each. */
  actions: string[];
}

/** The reach of a call to these URLs: one entry per host, with the origins (scheme, host, port) it will contact there. */
export function reachOfUrls(urls: readonly string[], actions: string[]): Reach {
  const byHost = new Map<string, Reach['subjects'][number]>();
  for (const url of urls) {
    const { subject, origin } = subjectOfUrl(url);
    const entry = byHost.get(subjectLabel(subject)) ?? { subject, origins: [] };
    if (!entry.origins.includes(origin)) entry.origins.push(origin);
    byHost.set(subjectLabel(subject), entry);
  }
  return { subjects: [...byHost.values()], actions };
}
