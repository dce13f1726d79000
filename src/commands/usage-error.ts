// A mistake in how Gatecrash was called: the CLI prints its message as one sentence and exits 2.
export class UsageError extends Error {}
