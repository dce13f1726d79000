// The test run's scan store lives in a temporary cache home (vitest.config.ts), created before and removed after.
import { mkdirSync, rmSync } from 'node:fs';
import { TEST_CACHE_HOME } from '../../vitest.config.js';

export function setup(): () => void {
  mkdirSync(TEST_CACHE_HOME, { recursive: true, mode: 0o700 });
  process.env.XDG_CACHE_HOME = TEST_CACHE_HOME;
  return () => rmSync(TEST_CACHE_HOME, { recursive: true, force: true });
}
