import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Fails any test during which a stage noted an internal error (src/telemetry/internal-errors.ts).
    setupFiles: ['test/support/internal-errors.setup.ts'],
    // The shipped GeoIP data is months old, and replay and monitor warn about that at start: tests
    // (and every CLI they spawn with the inherited environment) accept it through the documented
    // setting, so their stderr holds only what they test. test/enrich/staleness.test.ts unsets it.
    env: { GROUNDWATCH_GEOIP_MAX_AGE_DAYS: '3650' },
    // A machine-readable report beside the console one, so CI can print a plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
