import { parentPort, workerData } from 'node:worker_threads';
import type { DeliveryChannel } from '../store/deliveries.js';
import { openDatabase } from '../store/db.js';
import { lowerThreadPriority } from '../thread-priority.js';
import { deliveryJob, type DeliveryOutcome } from './deliveries.js';
import type { DeliveryThreadData, FromDeliveryThread, ToDeliveryThread } from './delivery-protocol.js';
import { deliverySenders } from './delivery-senders.js';
import { startJob } from './job.js';

/**
 * The delivery thread: claims the due deliveries on its own connection, sends them (signing,
 * Slack and email messages, the outbound guard) and records the answers, so none of that
 * work runs on the thread that answers beacons. The main thread wakes it when new outbox
 * rows commit; its own timer finds retries that come due.
 */
const data = workerData as DeliveryThreadData;
const port = parentPort!;
const post = (message: FromDeliveryThread) => port.postMessage(message);
// Like a read thread: an alert may trail a flood of beacons by a moment, a beacon's answer may not.
lowerThreadPriority(10);
// A small cache: it reads the due rows and a few settings, never the API's lists.
const db = openDatabase(data.dbPath, { synchronous: data.synchronous, walAutocheckpointPages: data.checkpointerThread ? 0 : undefined, cacheKib: 2_000 });

const clock = data.clock ? new BigInt64Array(data.clock) : null;
const now = clock ? () => Number(Atomics.load(clock, 0)) : Date.now;
const jitter = data.jitter;

/** Log lines cross as plain objects: an error becomes its name, message and stack. */
const plain = (fields: Record<string, unknown>) => {
  const err = fields.err;
  return err instanceof Error
    ? { ...fields, err: { type: err.name, message: err.message, stack: err.stack } }
    : fields.err === undefined
      ? fields
      : { ...fields, err: String(err) };
};
const log = (level: 'error' | 'warn') => (fields: Record<string, unknown>, message: string) => post({ type: 'log', level, fields: plain(fields), message });
const logger = { error: log('error'), warn: log('warn') };

let recorded: Array<[DeliveryChannel, DeliveryOutcome]> = [];
const count = (channel: DeliveryChannel, outcome: DeliveryOutcome) => {
  if (recorded.length === 0)
    setImmediate(() => {
      post({ type: 'recorded', attempts: recorded });
      recorded = [];
    });
  recorded.push([channel, outcome]);
};

const { senders, close: closeSenders } = deliverySenders(db, data.settings);
const deliveries = deliveryJob({
  db,
  senders,
  logger,
  count,
  now,
  random: jitter === null ? undefined : () => jitter,
  perDestination: data.perDestination,
  everyMs: data.everyMs,
});
// Runs are counted by outcome; their durations cross one a message, as few as the wakes.
let lastRun: 'ok' | 'failed' = 'ok';
const job = startJob(deliveries.spec, {
  logger,
  metrics: {
    jobRuns: { inc: ({ outcome }) => (lastRun = outcome) },
    jobSeconds: { observe: (_labels, seconds) => post({ type: 'run', outcome: lastRun, seconds }) },
  },
});

port.on('message', (message: ToDeliveryThread) => {
  if (message.type === 'wake') job.wake();
  else if (message.type === 'stop') {
    void job
      .stop()
      .then(() => deliveries.stop())
      .finally(() => {
        closeSenders();
        db.close();
        post({ type: 'stopped' });
      });
  }
});
