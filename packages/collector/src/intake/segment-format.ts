import { crc32 } from 'node:zlib';

/**
 * How the intake log (intake/intake-log.ts) lays out a segment file.
 *
 * The first line names the format and the number of the segment's first event,
 * and each event is one line: its number, its JSON (intake/log-line.ts), and the
 * CRC-32 of everything before it on the line, in hex:
 *
 *     clearview-intake 2 17 5d1f0b2a
 *     17 ["p","st_1",...] 1a2b3c4d
 *     18 ["e","st_1",...] 0c9e77f1
 *
 * so a replay can tell a line the collector wrote from one changed on disk.
 * Segments written before this format have no header and lines `SEQ JSON`: they
 * are still read, their numbers and order checked, their content taken as it is.
 */
const headerTag = 'clearview-intake';
const version = 2;

const hex = (crc: number) => crc.toString(16).padStart(8, '0');

/** The header line of a segment whose first event is numbered `first`. */
export function segmentHeader(first: number): string {
  const text = `${headerTag} ${version} ${first}`;
  return `${text} ${hex(crc32(text))}\n`;
}

/** The lines of events numbered from `first`, each ending in its checksum and a newline. */
export function eventLines(first: number, jsons: readonly string[]): string {
  let text = '';
  for (let i = 0; i < jsons.length; i++) {
    const line = `${first + i} ${jsons[i]}`;
    text += `${line} ${hex(crc32(line))}\n`;
  }
  return text;
}

/**
 * The JSON of an event line (without its newline) of either format, given the
 * index of the space after its number. A JSON text ends in `}` or `]`, never in
 * a hex digit, so the last character tells the formats apart.
 */
export function jsonOfLine(line: string, space: number): string {
  const last = line.charCodeAt(line.length - 1);
  return last === 0x7d || last === 0x5d ? line.slice(space + 1) : line.slice(space + 1, line.length - 9);
}

/** What one line of a segment holds, before its segment's format says whether it can be trusted. */
export interface ReadLine {
  /** The number the line begins with, when it begins with one. */
  seq: number | null;
  /** 'match' or 'mismatch' for a line ending as a checked line does (a space and eight hex digits), 'none' otherwise. */
  checksum: 'match' | 'mismatch' | 'none';
  /** Whether what follows the number could be JSON (it ends in `}` or `]`). */
  jsonShaped: boolean;
  /** The line ends in CR LF: some tool rewrote the file. */
  crlf: boolean;
  /** Where its JSON lies in the buffer (without a trailing CR or the checksum). */
  jsonStart: number;
  jsonEnd: number;
}

const isDigit = (byte: number) => byte >= 0x30 && byte <= 0x39;
const isHexDigit = (byte: number) => isDigit(byte) || (byte >= 0x61 && byte <= 0x66);

/** Reads the line in bytes [start, end) of a segment, `end` being where its newline is. */
export function readLine(bytes: Buffer, start: number, end: number): ReadLine {
  const crlf = end > start && bytes[end - 1] === 0x0d;
  const stop = crlf ? end - 1 : end;
  let space = start;
  while (space < stop && space - start <= 16 && isDigit(bytes[space]!)) space++;
  const digits = bytes.toString('latin1', start, space);
  const seq = space > start && space - start <= 16 && space < stop && bytes[space] === 0x20 && Number.isSafeInteger(Number(digits)) ? Number(digits) : null;
  let checksum: ReadLine['checksum'] = 'none';
  let jsonEnd = stop;
  if (stop - start > 9 && bytes[stop - 9] === 0x20 && hexRun(bytes, stop - 8, stop)) {
    jsonEnd = stop - 9;
    checksum = crc32(bytes.subarray(start, jsonEnd)) === Number.parseInt(bytes.toString('latin1', stop - 8, stop), 16) ? 'match' : 'mismatch';
  }
  const last = bytes[jsonEnd - 1];
  return { seq, checksum, jsonShaped: jsonEnd > space + 1 && (last === 0x7d || last === 0x5d), crlf, jsonStart: space + 1, jsonEnd };
}

function hexRun(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isHexDigit(bytes[i]!)) return false;
  return true;
}

/** A header line's first event number, 'damaged' for a line that starts as a header but does not check out, or null for no header. */
export function readHeader(bytes: Buffer, start: number, end: number): number | 'damaged' | null {
  const text = bytes.toString('latin1', start, end);
  if (!text.startsWith(`${headerTag} `)) return null;
  const match = /^(clearview-intake (\d+) (\d{1,16})) ([0-9a-f]{8})$/.exec(text);
  if (!match || Number(match[2]) !== version || hex(crc32(match[1]!)) !== match[4]) return 'damaged';
  const first = Number(match[3]);
  return Number.isSafeInteger(first) ? first : 'damaged';
}
