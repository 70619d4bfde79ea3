import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';

const require = createRequire(import.meta.url);

export type { Logger };

/** The levels CLEARVIEW_LOG_LEVEL accepts, quietest last. */
export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/**
 * Structured logs on stdout: human-readable lines in a terminal, one JSON object a line
 * otherwise (a log collector parses those). Credentials never reach a log line: the
 * headers that carry them are redacted wherever a request is logged.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'clearview-collector' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-webhook-secret"]', 'key', 'apiKey'],
      censor: '[redacted]',
    },
  };
  if (destination) return pino(options, destination);
  // Synchronous, in this thread: a worker-thread transport would cost a thread for a few lines a minute.
  if (process.stdout.isTTY) {
    // Loaded only for a terminal: a service's JSON logs never need it, and importing it costs every start.
    const { PinoPretty } = require('pino-pretty') as typeof import('pino-pretty');
    return pino(options, PinoPretty({ sync: true, ignore: 'pid,hostname,service', translateTime: 'SYS:HH:MM:ss' }));
  }
  return pino(options);
}
