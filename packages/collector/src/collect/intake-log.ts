import { closeSync, fdatasyncSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The intake log: every accepted beacon is appended here, one line per event,
 * before its 202 goes out; the database is written from it afterwards. A write()
 * that returned is in the kernel's page cache, so it survives the process being
 * killed exactly as a WAL commit under synchronous=NORMAL does; what the log
 * saves is the wait for SQLite's commit (and its checkpoints) on the answer path.
 *
 * Each line is `SEQ JSON\n`, SEQ counting up without gaps across restarts. The
 * database records the last SEQ it holds in the same transaction as the events
 * (store/intake-progress.ts), so a replay after a crash writes each event once.
 * Files are segments named by their first SEQ; a segment is deleted once every
 * event in it is in the database.
 */
export interface LoggedEvent {
  seq: number;
  json: string;
}

/** Past this size the next append starts a new segment, so committed ones can be deleted whole. */
const defaultSegmentBytes = 16 * 1024 * 1024;
const segmentName = (firstSeq: number) => `${String(firstSeq).padStart(16, '0')}.ndjson`;
const segmentPattern = /^(\d{16})\.ndjson$/;

export interface IntakeLogOptions {
  segmentBytes?: number;
  /**
   * fdatasync every append before it is acknowledged: an answered beacon then
   * survives a power cut too, at the cost of a disk flush per event-loop turn.
   */
  sync?: boolean;
}

export class IntakeLog {
  private fd: number | null = null;
  private bytes = 0;
  private nextSeq: number;
  /** First SEQ of each segment on disk, oldest first. */
  private readonly segments: number[];

  /**
   * Opens the log in `dir`, returning the events after `committedSeq` that the
   * database does not hold yet (a crash's leftovers), oldest first.
   */
  static open(dir: string, committedSeq: number, options: IntakeLogOptions = {}): { log: IntakeLog; pending: LoggedEvent[] } {
    mkdirSync(dir, { recursive: true });
    const segments = readdirSync(dir)
      .map((name) => segmentPattern.exec(name)?.[1])
      .filter((first): first is string => first !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    const pending: LoggedEvent[] = [];
    let lastSeq = committedSeq;
    for (const first of segments) {
      for (const event of readSegment(join(dir, segmentName(first)))) {
        lastSeq = Math.max(lastSeq, event.seq);
        if (event.seq > committedSeq) pending.push(event);
      }
    }
    const log = new IntakeLog(dir, segments, lastSeq + 1, options.segmentBytes ?? defaultSegmentBytes, options.sync ?? false);
    log.release(committedSeq);
    return { log, pending };
  }

  private constructor(
    private readonly dir: string,
    segments: number[],
    nextSeq: number,
    private readonly segmentBytes: number,
    private readonly sync: boolean,
  ) {
    this.segments = segments;
    this.nextSeq = nextSeq;
  }

  /**
   * Appends the events in one write and returns the SEQ of the first; the
   * others follow in order. Throws when the disk refuses, before anything is
   * acknowledged.
   */
  append(jsons: readonly string[]): number {
    const first = this.nextSeq;
    let text = '';
    jsons.forEach((json, i) => {
      text += `${first + i} ${json}\n`;
    });
    if (this.fd === null || this.bytes >= this.segmentBytes) this.startSegment(first);
    const buffer = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < buffer.length) written += writeSync(this.fd!, buffer, written);
    if (this.sync) fdatasyncSync(this.fd!);
    this.bytes += buffer.length;
    this.nextSeq = first + jsons.length;
    return first;
  }

  /** Deletes the segments whose every event has SEQ at most `committedSeq`. */
  release(committedSeq: number): void {
    // A segment ends where the next begins; the newest may still be appended to.
    while (this.segments.length > 1 && this.segments[1]! - 1 <= committedSeq) {
      unlinkSync(join(this.dir, segmentName(this.segments.shift()!)));
    }
    if (this.segments.length === 1 && this.nextSeq - 1 <= committedSeq && this.fd === null) {
      unlinkSync(join(this.dir, segmentName(this.segments.shift()!)));
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private startSegment(first: number): void {
    this.close();
    // A new segment after every start: the previous one may end in a line torn by a crash.
    this.fd = openSync(join(this.dir, segmentName(first)), 'a');
    this.bytes = fstatSync(this.fd).size;
    if (this.sync) {
      // The new file's name must reach the disk too, or a power cut could lose the whole segment.
      const dirFd = openSync(this.dir, 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    }
    this.segments.push(first);
  }
}

/** The events of one segment; a torn last line (a write cut short by a crash) was never acknowledged and is skipped. */
function readSegment(path: string): LoggedEvent[] {
  const text = readFileSync(path, 'utf8');
  const events: LoggedEvent[] = [];
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    if (end === -1) break;
    const line = text.slice(start, end);
    start = end + 1;
    const space = line.indexOf(' ');
    const seq = Number(line.slice(0, space));
    if (space <= 0 || !Number.isSafeInteger(seq)) continue;
    events.push({ seq, json: line.slice(space + 1) });
  }
  return events;
}
