// How many targets a batch scans at once: defaults and bounds shared by the CLI, the batch runner and scan_targets, in a
// module of their own so that advertising a tool does not load the engine.
export const DEFAULT_PARALLEL = 4;
export const MAX_PARALLEL = 16;
