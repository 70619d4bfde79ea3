import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Db } from '../store/db.js';
import { deliveryJob } from './deliveries.js';
import type { DeliveryThreadData, FromDeliveryThread, ToDeliveryThread } from './delivery-protocol.js';
import { deliverySenders, type DeliverySettings } from './delivery-senders.js';
import { startJob } from './job.js';

/** Past this, a delivery thread that has not stopped is terminated: its attempts stay due. */
const STOP_TIMEOUT_MS = 15_000;
/** How often an injected clock (tests) is copied for the delivery thread. */
const CLOCK_COPY_MS = 5;

export interface Deliveries {
  /** New outbox rows have committed: send now rather than at the next tick. */
  wake(): void;
  /** Aborts the attempts in flight (they stay due), records the answers already in, and stops. */
  stop(): Promise<void>;
}

export interface DeliveriesOptions {
  dbPath: string;
  /** The main thread's connection: used only for an in-memory database, which no other thread can open. */
  db: Db;
  synchronous: 'NORMAL' | 'FULL';
  /** Whether the checkpointer thread runs (it does with the writer thread). */
  checkpointerThread: boolean;
  settings: DeliverySettings;
  logger: Logger;
  metrics: Metrics;
  /** An injected clock (tests); the delivery thread reads it through shared memory. */
  now?: () => number;
  /** A fixed backoff jitter draw (tests). */
  jitter?: number;
}

/** The compiled worker; tests run the TypeScript sources, whose worker is the built one (npm test builds first). */
function workerFile(): URL {
  const sibling = new URL('./delivery-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  return new URL('../../dist/jobs/delivery-worker.js', import.meta.url);
}

/**
 * Starts the sending of what the outbox owes on the delivery thread (jobs/delivery-worker.ts),
 * with its own connection: the thread that answers beacons only tells it when new rows commit.
 * A thread that dies is replaced (its attempts in flight stay due). An in-memory database
 * cannot be shared with a thread, so its deliveries run here.
 */
export function startDeliveries(options: DeliveriesOptions): Deliveries {
  if (options.dbPath === ':memory:') return startInline(options);
  const { logger, metrics } = options;
  const clock = options.now ? new BigInt64Array(new SharedArrayBuffer(8)) : null;
  const copyClock = () => {
    if (clock) Atomics.store(clock, 0, BigInt(Math.round(options.now!())));
  };
  copyClock();
  const clockTimer = clock ? setInterval(copyClock, CLOCK_COPY_MS) : null;
  clockTimer?.unref();
  const data: DeliveryThreadData = {
    dbPath: options.dbPath,
    synchronous: options.synchronous,
    checkpointerThread: options.checkpointerThread,
    settings: options.settings,
    clock: clock ? clock.buffer : null,
    jitter: options.jitter ?? null,
  };

  let worker: Worker;
  let stopping = false;
  let stopped: (() => void) | null = null;
  const start = () => {
    worker = new Worker(workerFile(), { workerData: data });
    worker.on('message', (message: FromDeliveryThread) => {
      switch (message.type) {
        case 'recorded':
          for (const [channel, outcome] of message.attempts) metrics.deliveries.inc({ channel, outcome });
          break;
        case 'run':
          metrics.jobRuns.inc({ job: 'deliveries', outcome: message.outcome });
          metrics.jobSeconds.observe({ job: 'deliveries' }, message.seconds);
          break;
        case 'log':
          logger[message.level](message.fields, message.message);
          break;
        case 'stopped':
          void worker.terminate();
          break;
        default:
          message satisfies never;
      }
    });
    worker.on('error', (error) => logger.error({ err: error }, 'the delivery thread failed'));
    worker.on('exit', () => {
      if (stopping) stopped?.();
      else start();
    });
    // Like the jobs' timers: the delivery thread never keeps the process alive on its own.
    worker.unref();
  };
  start();
  const send = (message: ToDeliveryThread) => worker.postMessage(message);

  return {
    wake() {
      if (stopping) return;
      copyClock();
      send({ type: 'wake' });
    },
    stop() {
      if (stopping) return Promise.resolve();
      stopping = true;
      if (clockTimer) clearInterval(clockTimer);
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
        stopped = () => {
          clearTimeout(force);
          resolve();
        };
        send({ type: 'stop' });
      });
    },
  };
}

/** The in-memory database's deliveries, on this thread's connection. */
function startInline(options: DeliveriesOptions): Deliveries {
  const { senders, close } = deliverySenders(options.db, options.settings);
  const jitter = options.jitter;
  const deliveries = deliveryJob({
    db: options.db,
    senders,
    logger: options.logger,
    count: (channel, outcome) => options.metrics.deliveries.inc({ channel, outcome }),
    now: options.now ?? Date.now,
    random: jitter === undefined ? undefined : () => jitter,
  });
  const job = startJob(deliveries.spec, { logger: options.logger, metrics: options.metrics });
  return {
    wake: () => job.wake(),
    async stop() {
      await job.stop();
      await deliveries.stop();
      close();
    },
  };
}
