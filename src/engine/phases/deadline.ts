// The scan's one stop signal: its deadline or the caller's cancel, whichever comes first. Every request listens on it.
import { setMaxListeners } from 'node:events';

export type StopCause = 'deadline' | 'cancelled';

export interface Deadline {
  readonly signal: AbortSignal;
  /** What stopped the scan early, or null while (and if) it ran to its end. */
  readonly stopped: StopCause | null;
  /** The sentence a partial report gives for the stop. */
  readonly reason: string;
  disarm(): void;
}

export function armDeadline(timeoutMs: number, callerSignal?: AbortSignal): Deadline {
  const controller = new AbortController();
  // Every in-flight request listens on the deadline; a scan legitimately has more than ten.
  setMaxListeners(0, controller.signal);
  let stopped: StopCause | null = null;
  const stop = (cause: StopCause, message: string) => {
    stopped ??= cause;
    controller.abort(new Error(message));
  };
  const timer = setTimeout(() => stop('deadline', `the scan deadline of ${timeoutMs} ms passed`), timeoutMs);
  const onCancel = () => stop('cancelled', 'the scan was cancelled');
  if (callerSignal?.aborted) onCancel();
  callerSignal?.addEventListener('abort', onCancel, { once: true });
  return {
    signal: controller.signal,
    get stopped() {
      return stopped;
    },
    get reason() {
      return (controller.signal.reason as Error | undefined)?.message ?? '';
    },
    disarm() {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCancel);
    },
  };
}
