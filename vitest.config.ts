import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Fails any test during which a stage noted an internal error (src/telemetry/internal-errors.ts).
    setupFiles: ['test/support/internal-errors.setup.ts'],
    // A machine-readable report beside the console one, so CI can print a plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
