// Gatecrash's own version, in a module of its own so that the faces can name it without loading the engine.
export const GATECRASH_VERSION = '0.1.0';
