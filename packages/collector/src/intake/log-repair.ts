import { existsSync, renameSync, unlinkSync } from 'node:fs';
import { createRescorer } from '../score/rescore.js';
import type { Db } from '../store/db.js';
import { readIntakeProgress, recordIntakeFailure, saveIntakeProgress } from '../store/intake-progress.js';
import { commitRecords, describeError, isFailedWrite, type CommitBatch } from './commit.js';
import { decodeLogRecord } from './log-line.js';
import { describeProblem, scanIntakeLog, type LogProblem, type LogScan, type PendingLine } from './log-scan.js';

export interface RepairReport {
  dir: string;
  /** What was wrong, as `clearview intake verify` showed it. */
  problems: LogProblem[];
  progressBefore: number;
  progressAfter: number;
  /** Readable events written to the database, in the order of their numbers. */
  written: number;
  /** Of those, events the database refused on their own: kept in intake_failures, as a replay keeps them. */
  refused: number;
  /** Damaged lines kept in intake_failures, under the numbers given there. */
  damaged: Array<{ segment: string; line: number; seq: number; problem: string }>;
  /** Readable lines not written, and why. */
  skipped: Array<{ segment: string; line: number; reason: string }>;
  /** Things named like segments that are not files, renamed so that they no longer are. */
  movedAside: Array<{ from: string; to: string }>;
  /** Segment files deleted once their events were in the database. */
  removed: string[];
  /** Why the companies the events touched could not be rescored, if they could not. */
  rescoreError?: string;
}

/**
 * Mends a damaged intake log, explicitly (`clearview intake repair`, with no
 * collector running): every readable event past the progress is written to the
 * database in the order of its number, each damaged line is kept with its bytes
 * in intake_failures, and the progress moves past everything the log held, all
 * in one transaction; then the segments are deleted. Interrupted before the
 * commit, it changed nothing; after it, the segments left over are all at or
 * below the progress, so the next start deletes them.
 *
 * Things named like segments that are not files are renamed aside; if nothing
 * else was wrong, the log is left to the collector to replay as usual.
 */
export function repairIntakeLog(db: Db, dir: string, now: number): RepairReport {
  const progressBefore = readIntakeProgress(db);
  let scan = scanIntakeLog(dir, progressBefore);
  const report: RepairReport = {
    dir,
    problems: scan.problems,
    progressBefore,
    progressAfter: progressBefore,
    written: 0,
    refused: 0,
    damaged: [],
    skipped: [],
    movedAside: [],
    removed: [],
  };
  if (scan.problems.length === 0) return report;
  for (const segment of scan.segments) {
    if (segment.format !== null) continue;
    let to = `${segment.path}.not-a-segment`;
    for (let n = 2; existsSync(to); n++) to = `${segment.path}.not-a-segment-${n}`;
    renameSync(segment.path, to);
    report.movedAside.push({ from: segment.path, to });
  }
  if (report.movedAside.length > 0) scan = scanIntakeLog(dir, progressBefore);
  if (scan.problems.length === 0) return report;

  const { events, damaged, skipped } = sortLines(scan);
  report.skipped = skipped;
  const batch = eventBatch(events, progressBefore);
  const touched = new Set<string>();
  db.transaction(() => {
    // Nested transactions are savepoints: a refused event's retry stays inside this one.
    const results = commitRecords(db, batch, now);
    for (const result of results) {
      if (isFailedWrite(result)) report.refused += 1;
      else if (result.companyId) touched.add(result.companyId);
    }
    damaged.forEach((line, i) => {
      const seq = progressBefore + events.length + i + 1;
      const problem = problemAt(scan, line);
      const { text, base64 } = lineText(line.bytes);
      const how = base64 ? '; the line is not UTF-8 text, so its bytes are kept in base64 after "base64:"' : '';
      recordIntakeFailure(db, { seq, event: text, error: `damaged intake-log line ${line.segment} line ${line.line}: ${problem}${how}`, at: now });
      report.damaged.push({ segment: line.segment, line: line.line, seq, problem });
    });
    report.progressAfter = Math.max(progressBefore + events.length + damaged.length, scan.lastSeq);
    saveIntakeProgress(db, report.progressAfter);
  })();
  report.written = events.length;
  try {
    if (touched.size > 0) createRescorer(db, { now: () => now }).rescore(touched);
  } catch (error) {
    // Scores are derived: the collector's periodic refresh brings them up to date. The segments must still go.
    report.rescoreError = describeError(error);
  }
  for (const segment of scan.segments) {
    unlinkSync(segment.path);
    report.removed.push(segment.name);
  }
  return report;
}

/** The lines past the progress: readable events by their numbers, damaged lines, and readable lines not to write. */
function sortLines(scan: LogScan): { events: PendingLine[]; damaged: PendingLine[]; skipped: RepairReport['skipped'] } {
  const events: PendingLine[] = [];
  const damaged: PendingLine[] = [];
  const skipped: RepairReport['skipped'] = [];
  const seen = new Map<string, PendingLine>();
  for (const line of scan.pending) {
    if (!line.readable) {
      damaged.push(line);
      continue;
    }
    // A readable line carries its true number: one at or below the progress is in the database.
    if (line.seq! <= scan.progress) {
      skipped.push({ segment: line.segment, line: line.line, reason: `numbered ${line.seq}, which the database holds already` });
      continue;
    }
    const key = `${line.seq} ${line.json!.toString('latin1')}`;
    const copied = seen.get(key);
    if (copied) {
      skipped.push({ segment: line.segment, line: line.line, reason: `a copy of ${copied.segment} line ${copied.line}` });
      continue;
    }
    seen.set(key, line);
    events.push(line);
  }
  // Stable: events that share a number (two collectors once wrote one log) keep their file order.
  events.sort((a, b) => a.seq! - b.seq!);
  return { events, damaged, skipped };
}

/** The events as one batch numbered from progress + 1, decoded one at a time as they are written. */
export function eventBatch(events: readonly PendingLine[], progress: number): CommitBatch {
  const json = (i: number) => events[i]!.json!.toString('utf8');
  return {
    count: events.length,
    record: (i) => decodeLogRecord(json(i)),
    failureText: (i) => json(i),
    seqs: events.map((_, i) => progress + i + 1),
  };
}

function problemAt(scan: LogScan, line: PendingLine): string {
  const found = scan.problems.find((p) => p.segment === line.segment && p.line !== null && p.line <= line.line && line.line < p.line + p.lines);
  return found ? found.problem : 'damaged';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A line as intake_failures keeps it: as text when it is UTF-8 without NULs, so it can be read; otherwise exactly, in base64. */
function lineText(bytes: Buffer): { text: string; base64: boolean } {
  try {
    const text = utf8.decode(bytes);
    if (!text.includes('\0')) return { text, base64: false };
  } catch {
    // not UTF-8
  }
  return { text: `base64:${bytes.toString('base64')}`, base64: true };
}

/** The report as lines for a terminal. */
export function describeRepair(report: RepairReport): string {
  const lines = report.problems.map((problem) => `Found ${describeProblem(problem)}`);
  for (const { from, to } of report.movedAside) lines.push(`Renamed ${from} to ${to}: it is not a segment file`);
  if (report.removed.length === 0) {
    lines.push(report.movedAside.length > 0 ? 'The log is otherwise sound; the collector replays it on its next start.' : 'The intake log is sound: nothing to repair.');
    return lines.join('\n');
  }
  lines.push(`Wrote ${report.written} events to the database${report.refused > 0 ? ` (${report.refused} of them refused by it and kept in intake_failures)` : ''}.`);
  for (const d of report.damaged) lines.push(`Kept ${d.segment} line ${d.line} in intake_failures as seq ${d.seq}: ${d.problem}`);
  for (const s of report.skipped) lines.push(`Skipped ${s.segment} line ${s.line}: ${s.reason}`);
  if (report.rescoreError) lines.push(`The companies they touched could not be rescored (${report.rescoreError}); the collector's periodic refresh will.`);
  lines.push(`Intake progress ${report.progressBefore} -> ${report.progressAfter}; deleted ${report.removed.length} segment${report.removed.length === 1 ? '' : 's'}.`);
  return lines.join('\n');
}
