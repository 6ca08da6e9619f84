/**
 * Property-test runs for the fuzzers: a quick pass in `npm test`, FUZZ_RUNS
 * cases per property in `npm run fuzz`. Long runs are cut into slices with an
 * event-loop turn between them: a vitest worker blocked for 60 s cannot answer
 * its runner ("Timeout calling onTaskUpdate") and the run fails with every
 * test green. Each slice draws its own seed, which fast-check prints on a failure.
 */
import fc from 'fast-check';
import { takeInternalErrors } from '../../src/telemetry/internal-errors.js';

const SLICE_RUNS = 2000;

export async function assertInSlices<Ts>(property: fc.IProperty<Ts>, numRuns: number): Promise<void> {
  for (let done = 0; done < numRuns; done += SLICE_RUNS) {
    fc.assert(property, { numRuns: Math.min(SLICE_RUNS, numRuns - done) });
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Fails with the first internal error a stage noted (telemetry/internal-errors.ts).
 * Called inside a property, so fast-check shrinks to the input that raised it:
 * "never throws" must not be satisfied by a stage that catches its own bug.
 */
export function assertNoInternalErrors(): void {
  const errors = takeInternalErrors();
  if (errors.length === 0) return;
  const first = errors[0]!;
  const detail = first.error instanceof Error ? (first.error.stack ?? first.error.message) : String(first.error);
  throw new Error(`internal error in stage ${first.stage} (${errors.length} noted): ${detail}`);
}
