/**
 * How far V8 lets the heap grow past what is live before a full collection.
 * By default it may double or quadruple it; on a small box watching a link for
 * months, and in a replay that turns a large capture into short-lived records,
 * the heap would then sit far above what is in use. Capping growth at 2x keeps
 * resident memory near the live set for a few percent more GC time
 * (`npm run bench` reports both). Set before anything is allocated in earnest.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 100;

export function applyHeapPolicy(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
