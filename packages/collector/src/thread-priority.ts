import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Raises the calling thread's niceness (Linux: setpriority on the thread's own
 * id, which /proc/thread-self names). Returns false where threads cannot be told
 * apart this way; the thread then keeps the process's priority.
 *
 * Why the writer and read threads ask for it: on a busy machine it competes for the cores
 * with the thread that answers beacons. A beacon waits for that thread, while a
 * batch may trail its answers by a second without anyone waiting (the intake log
 * holds it), so the answering thread should win the contested time slices.
 * Lowering one's own priority needs no privilege.
 */
export function lowerThreadPriority(niceness: number): boolean {
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return false;
  }
  if (!Number.isInteger(tid) || tid <= 0) return false;
  try {
    setPriority(tid, niceness);
    return true;
  } catch {
    return false;
  }
}
