import pino, { type Logger } from 'pino';
import type { Config } from './config';

/**
 * One JSON line per event, each with the instance id. Tokens, passwords and
 * message text are never logged; the redact list is a second line of defence.
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'instanceId'>): Logger {
  return pino({
    level: config.logLevel,
    base: { instance: config.instanceId, pid: process.pid },
    redact: {
      paths: [
        'token',
        '*.token',
        'password',
        '*.password',
        'authorization',
        '*.authorization',
        'text',
        '*.text',
      ],
      censor: '[redacted]',
    },
  });
}
