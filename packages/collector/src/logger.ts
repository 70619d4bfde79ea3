import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Credentials never reach a log line: the headers that
 * carry them are redacted wherever a request is logged.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'clearview-collector' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-webhook-secret"]', 'key', 'apiKey'],
      censor: '[redacted]',
    },
  });
}
