import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** MaxMind's test databases with known answers (README.md there is the oracle). */
export { MAXMIND_TEST_DIR } from '../support/fixture-paths.js';
export const ASN_CSV_DIR = resolve(REPO_ROOT, 'node_modules/@ip-location-db/asn');
