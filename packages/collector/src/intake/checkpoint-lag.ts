/**
 * How far the WAL checkpointer is behind, in memory shared between threads: the checkpointer
 * thread records when each checkpoint starts and ends, and a job that can wait (the decay
 * check) reads it before it adds writes of its own.
 *
 * A checkpoint with synchronous=NORMAL ends with an fsync of the database file, so it takes
 * as long as the disk takes to write what is waiting. A long one means the disk is behind,
 * and then the kernel throttles every writer of the file, a beacon batch's commit too.
 */
export class CheckpointLag {
  /** [the running checkpoint's start, or 0; the last finished checkpoint's duration], in ms. */
  private readonly times: Float64Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(2 * Float64Array.BYTES_PER_ELEMENT)) {
    this.times = new Float64Array(buffer);
  }

  started(now: number): void {
    this.times[0] = now;
  }

  finished(now: number): void {
    const startedAt = this.times[0]!;
    if (startedAt > 0) this.times[1] = now - startedAt;
    this.times[0] = 0;
  }

  /** The running checkpoint's age, or else the last one's duration: how long the disk has been behind. */
  behindMs(now: number): number {
    const startedAt = this.times[0]!;
    return startedAt > 0 ? Math.max(now - startedAt, this.times[1]!) : this.times[1]!;
  }
}

/** Wall time in ms with a fraction, comparable between threads (each has its own performance.now origin). */
export const wallMs = (): number => performance.timeOrigin + performance.now();

/** A checkpoint that runs longer than this (an fsync of a little data is a few ms) means the disk is behind. */
export const CHECKPOINT_BEHIND_MS = 250;

/**
 * Resolves once the checkpointer is no more than `limitMs` behind, looking every `pollMs`,
 * or after `maxWaitMs` whatever it says, so a disk that is always slow slows a job down
 * without stopping it.
 */
export async function whenCheckpointsKeepUp(lag: CheckpointLag, limitMs = CHECKPOINT_BEHIND_MS, maxWaitMs = 10_000, pollMs = 50): Promise<number> {
  const started = wallMs();
  while (lag.behindMs(wallMs()) > limitMs && wallMs() - started < maxWaitMs) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return wallMs() - started;
}
