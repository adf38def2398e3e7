import { randomBytes } from 'node:crypto';
import { standardSignature } from '../../../sdk/signature.js';

export interface StandardSignInput {
  msgId: string;
  /** Unix seconds: the same value sent in `webhook-timestamp`. */
  timestamp: number;
  body: string;
  /** The current secret first; during a rotation overlap also the previous one. */
  secrets: string[];
}

/** The `webhook-signature` header value: one `v1,<base64>` per secret, space-separated. */
export function signStandard({ msgId, timestamp, body, secrets }: StandardSignInput): string {
  // Sign with the timestamp we send: a different one breaks verification.
  return secrets.map((secret) => standardSignature(secret, msgId, timestamp, body)).join(' ');
}

/** A new signing secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks allows 24 to 64). */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
