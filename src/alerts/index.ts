/** Public surface of the alerts stage. */
export { buildAlertRecord, buildDnsQueryAlertRecord, type AlertTime, type DnsQueryOrigin } from './build.js';
export { AlertSuppressor, suppressionKey, type Admission, type SuppressorOptions } from './suppress.js';
export { explainDestination, type ExplainOptions } from './explain.js';
export { alertId } from './alert-id.js';
