// Consent before scanning someone else's server. Over MCP the model picks the URL, and a prompt injection (in a web
// page, an issue, a scanned server's own answer) can pick it too: before the first request to a host the operator did
// not approve, the person is asked through MCP elicitation. No lookup and no connection happen before the answer.
//
// Never asked: loopback (127.0.0.0/8, ::1, localhost), and everything when the operator set an allow-list (--allow,
// GATECRASH_ALLOW or the server's start-up settings): the guard then refuses whatever is not on it. Approval lasts for
// the session (ledger.ts), or longer when the person asks (remembered.ts).
import { type InputRequiredResult, inputRequired, inputResponse } from '@modelcontextprotocol/server';
import type { GuardPolicy } from '../engine/http/guard.js';
import type { ConsentLedger } from './ledger.js';
import { consentQuestion, rememberFor } from './question.js';
import type { Reach } from './reach.js';
import { distinct, isLoopback, refusalWithoutLookup, subjectLabel } from './subjects.js';
import { callDigest, mintTicket, redeemTicket } from './ticket.js';

export interface ConsentRequest {
  tool: string;
  /** The call's arguments, as validated: the answer to a question counts only for the call it was asked about. */
  args: unknown;
  reach: Reach;
  ledger: ConsentLedger;
  policy: GuardPolicy;
  /** The client can show a form to the person (it declared elicitation, form mode). */
  canAsk: boolean;
  /** From a multi-round-trip retry: the answers, and the state echoed back. */
  inputResponses?: Record<string, unknown>;
  requestState?: string;
}

export type ConsentOutcome =
  | { kind: 'proceed' }
  /** Ask the person: return this from the tool call. */
  | { kind: 'ask'; result: InputRequiredResult }
  /** Nothing is sent: a sentence for the assistant and the person. */
  | { kind: 'refuse'; message: string };

const list = (labels: string[]) => (labels.length <= 3 ? labels.join(', ') : `${labels.slice(0, 3).join(', ')} and ${labels.length - 3} more`);

/** What the operator does to approve hosts without a question (the sentence a client that cannot ask passes on). */
function howToApprove(labels: string[]): string {
  return (
    `To approve, start the Gatecrash MCP server with --allow ${labels.join(',')} (or GATECRASH_ALLOW=…); the allow-list then limits every ` +
    'scan to the hosts it names, so add localhost,127.0.0.1,::1 to keep scanning local servers.'
  );
}

export function consentGate(req: ConsentRequest, now = Date.now()): ConsentOutcome {
  if (req.policy.allow.length > 0) return { kind: 'proceed' };
  for (const { subject } of req.reach.subjects) {
    const refusal = refusalWithoutLookup(subject, req.policy);
    if (refusal) return { kind: 'refuse', message: refusal };
  }
  const pending = req.ledger.unapproved(
    req.reach.subjects.filter(({ subject }) => !isLoopback(subject)),
    now,
  );
  if (pending.length === 0) return { kind: 'proceed' };
  const subjects = distinct(pending.map((p) => p.subject));
  const hosts = list(subjects.map(subjectLabel));

  const digest = callDigest(req.tool, req.args);
  const key = redeemTicket(req.requestState, digest, now);
  if (key) {
    const answer = inputResponse(req.inputResponses, key);
    if (answer.kind === 'elicit' && answer.action === 'accept') {
      req.ledger.approve(subjects, rememberFor(answer.content), now);
      return { kind: 'proceed' };
    }
    if (answer.kind === 'elicit' && answer.action === 'decline') {
      return {
        kind: 'refuse',
        message:
          `The user declined: Gatecrash sent nothing to ${hosts} (no lookup, no connection). Do not call it ` +
          `again for these hosts unless the user asks for it.`,
      };
    }
    if (answer.kind === 'elicit') {
      // Dismissed, or answered by a client that could not show the question: no approval, and no retry loop either.
      return { kind: 'refuse', message: `The question was dismissed, so Gatecrash sent nothing to ${hosts}. ${howToApprove(subjects.map(subjectLabel))}` };
    }
  }
  if (!req.canAsk) {
    return {
      kind: 'refuse',
      message:
        `Gatecrash did not scan ${hosts}: the operator has not approved ` +
        `${subjects.length === 1 ? 'this host' : 'these hosts'}, and this MCP client cannot ask the user (it ` +
        `does not support elicitation). Nothing was sent. ${howToApprove(subjects.map(subjectLabel))}`,
    };
  }
  const ticket = mintTicket(digest, now);
  const question = consentQuestion(req.tool, pending, req.reach.actions);
  return { kind: 'ask', result: inputRequired({ inputRequests: { [ticket.key]: inputRequired.elicit(question) }, requestState: ticket.state }) };
}
