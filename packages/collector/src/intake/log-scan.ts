import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readHeader, readLine, type ReadLine } from './segment-format.js';

export const segmentName = (firstSeq: number) => `${String(firstSeq).padStart(16, '0')}.ndjson`;
export const segmentPattern = /^(\d{16})\.ndjson$/;

/** Something in the log that a replay cannot take on trust: where it is and what it is. */
export interface LogProblem {
  segment: string;
  /** The first line concerned (the file's first line is 1), or null for the file as a whole. */
  line: number | null;
  /** How many lines in a row share the problem (0 for the file as a whole). */
  lines: number;
  problem: string;
}

export interface ScannedSegment {
  name: string;
  path: string;
  /** The number its name gives its first event. */
  first: number;
  /** 'checked': a header and lines with checksums; 'unchecked': written before checksums; null: not a file. */
  format: 'checked' | 'unchecked' | null;
  /** Whole event lines. */
  events: number;
  size: number;
  /** Bytes after the last newline: a write cut short, never acknowledged. */
  tornBytes: number;
}

/** An event line past the database's progress, by its own number or by its place. */
export interface PendingLine {
  path: string;
  segment: string;
  /** Its line in the file (the first is 1). */
  line: number;
  /** Bytes [start, end) of the segment, its newline included. */
  start: number;
  end: number;
  /** The number the line carries, if it carries one. */
  seq: number | null;
  /** Where the line sits: its segment's first number plus the events before it. */
  place: number;
  /** Its content can be taken as written: its checksum matches, or it predates checksums. */
  readable: boolean;
  /** The line's bytes, without its newline. */
  bytes: Buffer;
  /** A readable line's JSON (without a trailing CR or the checksum). */
  json: Buffer | null;
}

export interface LogScan {
  dir: string;
  progress: number;
  segments: ScannedSegment[];
  pending: PendingLine[];
  problems: LogProblem[];
  /** The highest number in the log, by a line's place or its own number; at least the progress. */
  lastSeq: number;
}

/**
 * Reads the intake log in `dir` against the database's progress, changing
 * nothing, and says what a replay would write and what stands in its way. The
 * events past the progress must be numbered progress + 1, + 2, ... in file order
 * across the segments, and a line with a checksum must match it. Lines at or
 * below the progress are in the database already and are not judged.
 */
export function scanIntakeLog(dir: string, progress: number): LogScan {
  const scan: LogScan = { dir, progress, segments: [], pending: [], problems: [], lastSeq: progress };
  const names = existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => segmentPattern.test(name))
        .sort()
    : [];
  // The last place given by the segments before, or null before the first with events.
  let previousEnd: number | null = null;
  for (const name of names) {
    const path = join(dir, name);
    const first = Number(segmentPattern.exec(name)![1]);
    const notAFile = whyNotAFile(path);
    if (notAFile) {
      scan.segments.push({ name, path, first, format: null, events: 0, size: 0, tornBytes: 0 });
      scan.problems.push({ segment: name, line: null, lines: 0, problem: notAFile });
      continue;
    }
    const { events, end } = scanSegment(scan, name, path, first, readFileSync(path));
    if (events === 0) continue;
    // Segments follow one another without a gap or an overlap past the progress.
    const missingFrom = Math.max(previousEnd === null ? progress + 1 : previousEnd + 1, progress + 1);
    if (first > missingFrom) {
      const before = previousEnd === null ? `the database holds events up to ${progress}` : `the segment before ends at ${previousEnd}`;
      const missing = first - 1 === missingFrom ? `event ${missingFrom} is` : `events ${missingFrom} to ${first - 1} are`;
      scan.problems.push({ segment: name, line: null, lines: 0, problem: `${missing} missing: ${before}, and this one begins at ${first}` });
    } else if (previousEnd !== null && first <= previousEnd && previousEnd > progress) {
      scan.problems.push({ segment: name, line: null, lines: 0, problem: `begins at ${first}, but the segment before already holds events up to ${previousEnd}` });
    }
    previousEnd = Math.max(previousEnd ?? 0, end);
  }
  return scan;
}

function whyNotAFile(path: string): string | null {
  try {
    const stats = statSync(path);
    if (stats.isFile()) return null;
    return stats.isDirectory() ? 'is a directory, not a segment file' : 'is not a regular file';
  } catch {
    return 'cannot be read (a link to nothing?)';
  }
}

const crlfProblem = 'ends in CR LF: a tool rewrote the file';

/** What an unreadable line is, in words. */
function damage(line: ReadLine, checked: boolean): string {
  if (checked && line.checksum === 'mismatch') return 'the checksum does not match: the line changed after it was written';
  if (checked && line.checksum === 'none' && line.seq !== null && line.jsonShaped) return 'has no checksum, though its segment has';
  return 'not an intake-log line';
}

/**
 * Reads one segment into the scan: its lines past the progress, and their problems. Returns the
 * segment and where it ends: its last line's number, or that line's place when it is damaged.
 */
function scanSegment(scan: LogScan, name: string, path: string, first: number, bytes: Buffer): { events: number; end: number } {
  const whole = bytes.lastIndexOf(10) + 1;
  const starts: number[] = [];
  const ends: number[] = [];
  for (let start = 0; start < whole;) {
    const end = bytes.indexOf(10, start);
    starts.push(start);
    ends.push(end);
    start = end + 1;
  }
  const lines = starts.map((start, i) => readLine(bytes, start, ends[i]!));
  const headerCr = lines.length > 0 && lines[0]!.crlf;
  const header = lines.length > 0 ? readHeader(bytes, 0, headerCr ? ends[0]! - 1 : ends[0]!) : null;
  // A header, or any line whose checksum matches, marks a segment of this format.
  const checked = header !== null || lines.some((line) => line.checksum === 'match');
  const readable = (line: ReadLine) => line.seq !== null && (checked ? line.checksum === 'match' : line.checksum === 'none' && line.jsonShaped);
  // A checked segment's first line is its header, damaged or not, unless it is an intact event line.
  const headerLines = checked && (header !== null || !readable(lines[0]!)) ? 1 : 0;
  const segment: ScannedSegment = {
    name,
    path,
    first,
    format: checked ? 'checked' : 'unchecked',
    events: lines.length - headerLines,
    size: bytes.length,
    tornBytes: bytes.length - whole,
  };
  scan.segments.push(segment);

  const problems: Array<LogProblem & { key: string }> = [];
  const report = (key: string, line: number, problem: string) => {
    const last = problems[problems.length - 1];
    // Lines in a row with the same problem are reported once.
    if (last && last.key === key && last.line! + last.lines === line) last.lines += 1;
    else problems.push({ key, segment: name, line, lines: 1, problem });
  };
  for (let i = headerLines; i < lines.length; i++) {
    const line = lines[i]!;
    const place = first + i - headerLines;
    const intact = readable(line);
    scan.lastSeq = Math.max(scan.lastSeq, place, intact ? line.seq! : 0);
    // A readable line's own number says whether the database holds it; a damaged one has only its place.
    if (place <= scan.progress && !(intact && line.seq! > scan.progress)) continue;
    scan.pending.push({
      path,
      segment: name,
      line: i + 1,
      start: starts[i]!,
      end: ends[i]! + 1,
      seq: line.seq,
      place,
      readable: intact,
      bytes: bytes.subarray(starts[i]!, ends[i]!),
      json: intact ? bytes.subarray(line.jsonStart, line.jsonEnd) : null,
    });
    if (!intact) report(`damaged ${damage(line, checked)}`, i + 1, damage(line, checked));
    // Lines numbered off their place by the same amount are one shift (a line lost or added before them).
    else if (line.seq !== place) report(`shift ${line.seq! - place}`, i + 1, `numbered ${line.seq} where ${place} belongs`);
    else if (line.crlf) report('crlf', i + 1, crlfProblem);
  }
  const replayed = scan.pending.length > 0 && scan.pending[scan.pending.length - 1]!.path === path;
  if (replayed && headerLines === 1 && headerCr) {
    const next = problems[0];
    if (next && next.key === 'crlf' && next.line === 2) {
      next.line = 1;
      next.lines += 1;
    } else problems.unshift({ key: 'crlf', segment: name, line: 1, lines: 1, problem: crlfProblem });
  }
  if (replayed && checked) {
    if (headerLines === 0) scan.problems.push({ segment: name, line: 1, lines: 1, problem: 'has no header line' });
    else if (header === null || header === 'damaged') scan.problems.push({ segment: name, line: 1, lines: 1, problem: 'the header line is damaged' });
    else if (header !== first) scan.problems.push({ segment: name, line: 1, lines: 1, problem: `its header gives ${header} as the first number, its name ${first}` });
  }
  for (const { key, ...problem } of problems) {
    if (key.startsWith('shift ') && problem.lines > 1) {
      const shift = Number(key.slice('shift '.length));
      problem.problem = `numbered ${Math.abs(shift)} ${shift > 0 ? 'above' : 'below'} their places`;
    }
    scan.problems.push(problem);
  }
  const last = lines[lines.length - 1];
  const end = last && segment.events > 0 && readable(last) ? last.seq! : first + segment.events - 1;
  return { events: segment.events, end };
}

/** One problem as a phrase: where, and what. */
export function describeProblem(problem: LogProblem): string {
  if (problem.line === null) return `${problem.segment}: ${problem.problem}`;
  const lines = problem.lines > 1 ? `lines ${problem.line} to ${problem.line + problem.lines - 1}` : `line ${problem.line}`;
  return `${problem.segment} ${lines}: ${problem.problem}`;
}

/** The scan as lines for a terminal (`clearview intake verify`). */
export function describeScan(scan: LogScan): string {
  const lines = [`Intake log ${scan.dir} (the database holds its events up to ${scan.progress}):`];
  for (const s of scan.segments) {
    const what = s.format === null ? 'not a file' : `${s.events} events, ${s.format === 'checked' ? 'with checksums' : 'written before checksums'}`;
    lines.push(`  ${s.name}  ${what}${s.tornBytes > 0 ? `, a torn tail of ${s.tornBytes} bytes (cut on the next start)` : ''}`);
  }
  lines.push(`${scan.pending.length} lines to replay.`);
  if (scan.problems.length === 0) {
    lines.push('No problems.');
    return lines.join('\n');
  }
  lines.push(`${scan.problems.length} problem${scan.problems.length === 1 ? '' : 's'}: the collector will not start until it is repaired.`);
  for (const problem of scan.problems) lines.push(`  ${describeProblem(problem)}`);
  lines.push('Run `clearview intake repair` to write every readable event to the database and keep each damaged line in intake_failures.');
  return lines.join('\n');
}

/** The log holds something a replay cannot take on trust, so the collector does not start. */
export class IntakeLogDamaged extends Error {
  constructor(
    readonly dir: string,
    readonly problems: readonly LogProblem[],
  ) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super(
      `the intake log ${dir} is damaged, so nothing was replayed: ${describeProblem(problems[0]!)}${more}. ` +
        '`clearview intake verify` lists every problem; `clearview intake repair` writes every readable event and keeps each damaged line in intake_failures',
    );
    this.name = 'IntakeLogDamaged';
  }
}
