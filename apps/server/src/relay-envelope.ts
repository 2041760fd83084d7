import type { Message } from '@chat/shared';
import type { RelayInfo } from './ports';

/*
 * What travels on the MESSAGES channel: `{"origin": instanceId, "message": Message}`.
 * Anything else found there (a foreign app sharing the Redis, a hand-typed
 * PUBLISH) is rejected here and dropped by the broker.
 */

export interface RelayEnvelope extends RelayInfo {
  message: Message;
}

const MESSAGE_FIELDS = [
  'id',
  'roomId',
  'userId',
  'username',
  'text',
  'clientId',
  'createdAt',
] as const;

/** Parses one MESSAGES payload; returns a reason instead when it is not ours. */
export function parseRelayEnvelope(raw: string): RelayEnvelope | { invalid: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { invalid: 'not json' };
  }
  if (typeof value !== 'object' || value === null) return { invalid: 'not an object' };
  const { origin, message } = value as { origin?: unknown; message?: unknown };
  if (typeof origin !== 'string') return { invalid: 'no origin' };
  if (typeof message !== 'object' || message === null) return { invalid: 'no message' };
  for (const field of MESSAGE_FIELDS) {
    if (typeof (message as Record<string, unknown>)[field] !== 'string') {
      return { invalid: `message.${field} is not a string` };
    }
  }
  return { origin, message: message as Message };
}
