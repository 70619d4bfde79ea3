import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { IntakeLogDamaged, scanIntakeLog, segmentName } from './log-scan.js';
import { eventLines, jsonOfLine, segmentHeader } from './segment-format.js';

/**
 * The intake log: every accepted beacon is appended here, one line per event,
 * before its 202 goes out; the database is written from it afterwards. A write()
 * that returned is in the kernel's page cache, so it survives the process being
 * killed exactly as a WAL commit under synchronous=NORMAL does; what the log
 * saves is the wait for SQLite's commit (and its checkpoints) on the answer path.
 *
 * Each line is `SEQ JSON CRC\n` (intake/segment-format.ts), SEQ counting up
 * without gaps across restarts. The log is also the queue: the writer thread reads
 * the lines it commits from the file (IntakeReader), so the request thread keeps
 * no copy of a logged event. The database records the last SEQ it holds in the
 * same transaction as the events (store/intake-progress.ts), so a replay after a
 * crash writes each event once. Files are segments named by their first SEQ, each
 * beginning with a header line; a segment is deleted once every event in it is in
 * the database. Opening checks the lines a replay would write (intake/log-scan.ts)
 * and refuses a log it cannot take on trust: `clearview intake repair` mends it.
 */
/**
 * Where consecutive logged events lie: the lines numbered firstSeq to
 * firstSeq + count - 1, bytes [start, end) of one segment. One append is one
 * run, so a queued event costs the request thread no object of its own.
 */
export interface LoggedRun {
  path: string;
  start: number;
  end: number;
  firstSeq: number;
  count: number;
}

/** Past this size the next append starts a new segment, so committed ones can be deleted whole. */
const defaultSegmentBytes = 16 * 1024 * 1024;

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
  private currentPath: string | null = null;
  private bytes = 0;
  private nextSeq: number;
  /** The highest number known to be in the database (what release was last told). */
  private committedSeq = 0;
  /** First SEQ of each segment on disk, oldest first. */
  private readonly segments: number[];

  /**
   * Opens the log in `dir`, returning the events after `committedSeq` that the
   * database does not hold yet (a crash's leftovers), oldest first, and the torn
   * tails cut off its segments. Throws IntakeLogDamaged, changing nothing, when
   * those events are not whole, numbered committedSeq + 1, + 2, ... in order.
   */
  static open(dir: string, committedSeq: number, options: IntakeLogOptions = {}): { log: IntakeLog; pending: LoggedRun[]; tornTails: TornTail[] } {
    // The log holds personal data: only the collector's user may list or read it.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const scan = scanIntakeLog(dir, committedSeq);
    if (scan.problems.length > 0) throw new IntakeLogDamaged(dir, scan.problems);
    const tornTails: TornTail[] = [];
    const segments: number[] = [];
    for (const segment of scan.segments) {
      if (segment.tornBytes > 0) {
        truncateSync(segment.path, segment.size - segment.tornBytes);
        tornTails.push({ segment: segment.name, bytes: segment.tornBytes });
      }
      // A segment with no event (a crash before its first line) holds nothing to keep.
      if (segment.events === 0) removeFile(segment.path);
      else segments.push(segment.first);
    }
    const log = new IntakeLog(dir, segments, scan.lastSeq + 1, options.segmentBytes ?? defaultSegmentBytes, options.sync ?? false);
    log.release(committedSeq);
    return { log, pending: runsOf(scan.pending), tornTails };
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
   * Appends the events in one write, numbered in order, and returns where they
   * landed. Throws when the disk refuses, before anything is acknowledged.
   */
  append(jsons: readonly string[]): LoggedRun {
    const first = this.nextSeq;
    if (this.fd === null || this.bytes >= this.segmentBytes) this.startSegment(first);
    const buffer = Buffer.from(eventLines(first, jsons), 'utf8');
    try {
      let written = 0;
      while (written < buffer.length) written += writeSync(this.fd!, buffer, written);
      if (this.sync) fdatasyncSync(this.fd!);
    } catch (error) {
      // A write cut short (a full disk) must not leave half a line for the next
      // append to run into: cut the file back to its last whole line, or, failing
      // that, leave it to the next segment start to do.
      try {
        ftruncateSync(this.fd!, this.bytes);
      } catch {
        // startSegment trims the torn tail when this file is opened again.
      }
      this.close();
      throw error;
    }
    const run = { path: this.currentPath!, start: this.bytes, end: this.bytes + buffer.length, firstSeq: first, count: jsons.length };
    this.bytes += buffer.length;
    this.nextSeq = first + jsons.length;
    return run;
  }

  /** Deletes the segments whose every event has SEQ at most `committedSeq`. */
  release(committedSeq: number): void {
    this.committedSeq = Math.max(this.committedSeq, committedSeq);
    // A segment ends where the next begins; the newest may still be appended to.
    while (this.segments.length > 1 && this.segments[1]! - 1 <= committedSeq) {
      removeFile(join(this.dir, segmentName(this.segments.shift()!)));
    }
    if (this.segments.length === 1 && this.nextSeq - 1 <= committedSeq && this.fd === null) {
      removeFile(join(this.dir, segmentName(this.segments.shift()!)));
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /**
   * Closes the log at shutdown, deleting the last segment too when all it holds is committed
   * (an open segment is never deleted); returns how many logged events are not committed.
   */
  shutDown(): number {
    this.close();
    this.release(this.committedSeq);
    return this.nextSeq - 1 - this.committedSeq;
  }

  private startSegment(first: number): void {
    this.close();
    // A new segment after every start: the previous one may end in a line torn by a crash.
    this.currentPath = join(this.dir, segmentName(first));
    // The same name again: an earlier append to it failed part way.
    if (existsSync(this.currentPath)) trimTornTail(this.currentPath);
    this.fd = openSync(this.currentPath, 'a', 0o600);
    this.bytes = fstatSync(this.fd).size;
    if (this.bytes === 0) {
      const header = Buffer.from(segmentHeader(first), 'latin1');
      try {
        writeSync(this.fd, header);
      } catch (error) {
        // A torn header is cut off when this segment is started again, or when the log is opened.
        this.close();
        throw error;
      }
      this.bytes = header.length;
    }
    if (this.sync) {
      // The new file's name must reach the disk too, or a power cut could lose the whole segment.
      const dirFd = openSync(this.dir, 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    }
    if (this.segments[this.segments.length - 1] !== first) this.segments.push(first);
  }
}

/** Bytes cut off the end of a segment on opening: a write cut short by a crash, never acknowledged. */
export interface TornTail {
  segment: string;
  bytes: number;
}

/**
 * Cuts a segment back to its last whole line. A torn tail is a write cut short
 * by a crash or a full disk, which was never acknowledged; left in place, the
 * next line appended would run into it and be lost with it.
 */
function trimTornTail(path: string): void {
  const bytes = readFileSync(path);
  if (bytes.length === 0 || bytes[bytes.length - 1] === 10) return;
  truncateSync(path, bytes.lastIndexOf(10) + 1);
}

function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Events as runs: each run lines with consecutive numbers, back to back in one segment. */
function runsOf(events: ReadonlyArray<{ seq: number | null; path: string; start: number; end: number }>): LoggedRun[] {
  const runs: LoggedRun[] = [];
  for (const event of events) {
    const seq = event.seq!;
    const last = runs[runs.length - 1];
    if (last && last.path === event.path && last.end === event.start && last.firstSeq + last.count === seq) {
      last.end = event.end;
      last.count += 1;
    } else {
      runs.push({ path: event.path, start: event.start, end: event.end, firstSeq: seq, count: 1 });
    }
  }
  return runs;
}

/**
 * Reads logged lines back: numbers and JSON from a byte range of a segment,
 * through one open file per segment (a segment deleted meanwhile stays
 * readable while its file is open). Checksums are not checked again here: the
 * lines were written by this process, or checked when the log was opened.
 */
export class IntakeReader {
  private readonly files = new Map<string, number>();

  /** Appends each line's JSON and sequence number in the byte range to `jsons` and `seqs`. */
  read(path: string, start: number, end: number, jsons: string[], seqs: number[]): void {
    let fd = this.files.get(path);
    if (fd === undefined) {
      fd = openSync(path, 'r');
      this.files.set(path, fd);
    }
    const buffer = Buffer.allocUnsafe(end - start);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, start + read);
      if (n === 0) throw new Error(`intake log ${path} ends before byte ${end}`);
      read += n;
    }
    for (const line of buffer.toString('utf8').split('\n')) {
      if (line === '') continue;
      const space = line.indexOf(' ');
      seqs.push(Number(line.slice(0, space)));
      jsons.push(jsonOfLine(line, space));
    }
  }

  /** Closes the files of segments other than these. */
  keepOnly(paths: ReadonlySet<string>): void {
    for (const [path, fd] of this.files) {
      if (paths.has(path)) continue;
      closeSync(fd);
      this.files.delete(path);
    }
  }
}
