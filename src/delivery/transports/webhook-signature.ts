/**
 * Standard Webhooks signing (https://www.standardwebhooks.com/): the
 * signature is base64(HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>"))
 * sent as `webhook-signature: v1,<signature>`, with the timestamp in whole
 * seconds so a receiver can refuse replays.
 */
import { createHmac } from 'node:crypto';

export interface SignedHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature'?: string;
}

export function webhookHeaders(id: string, body: string, nowMs: number, key: Buffer | undefined): SignedHeaders {
  const timestamp = String(Math.floor(nowMs / 1000));
  if (!key) return { 'webhook-id': id, 'webhook-timestamp': timestamp };
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}
