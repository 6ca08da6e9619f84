/**
 * vitest setup file (vitest.config.ts setupFiles): a test fails when any stage
 * noted an internal error while it ran. Production survives these (counted as
 * `anomaly.<stage>.internal_error`); the suite must not.
 */
import { afterEach } from 'vitest';
import { assertNoInternalErrors } from './fuzz.js';

afterEach(() => {
  assertNoInternalErrors();
});
