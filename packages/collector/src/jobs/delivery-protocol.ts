import type { DeliveryChannel } from '../store/deliveries.js';
import type { DeliveryOutcome } from './deliveries.js';
import type { DeliverySettings } from './delivery-senders.js';

/** What the delivery thread starts with (workerData): plain values only. */
export interface DeliveryThreadData {
  dbPath: string;
  synchronous: 'NORMAL' | 'FULL';
  /** The checkpointer thread copies the WAL back (with the writer thread): this connection's commits then run no checkpoint. */
  checkpointerThread: boolean;
  settings: DeliverySettings;
  /** An injected clock (tests): the main thread keeps the current time in it, as milliseconds; null for the real clock. */
  clock: SharedArrayBuffer | null;
  /** A fixed backoff jitter draw (tests); null for Math.random. */
  jitter: number | null;
  perDestination?: number;
  everyMs?: number;
}

/** Main thread to delivery thread. wake: new outbox rows have committed; stop: abort what is in flight, close, answer stopped. */
export type ToDeliveryThread = { type: 'wake' } | { type: 'stop' };

/** Delivery thread to main thread: what it did, for the main thread's metrics and logger. */
export type FromDeliveryThread =
  | { type: 'recorded'; attempts: Array<[DeliveryChannel, DeliveryOutcome]> }
  | { type: 'run'; outcome: 'ok' | 'failed'; seconds: number }
  | { type: 'log'; level: 'error' | 'warn'; fields: Record<string, unknown>; message: string }
  | { type: 'stopped' };
