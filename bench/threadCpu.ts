/**
 * CPU seconds of single threads, from Linux's /proc: on a shared machine the wall time of an epoch
 * follows the load, the CPU time of the thread doing the work much less. The Node loop
 * (bench/train.ts) and the browser's training worker (bench/trainBrowser.ts) are both measured on
 * the one thread that trains, so the two compare like for like.
 */
import { readFileSync } from 'node:fs';

/** USER_HZ, the unit of utime and stime in /proc/…/stat (100 on Linux). */
const TICKS_PER_SEC = 100;

/** The thread's name and user + system CPU seconds, or undefined (no /proc, or the thread ended). */
export function readThreadCpu(pid: number | string, tid: number | string): { name: string; cpuSec: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    // After "pid (name) ", utime and stime are stat's fields 14 and 15: 12th and 13th from here.
    const f = stat.slice(close + 2).split(' ');
    return { name: stat.slice(stat.indexOf('(') + 1, close), cpuSec: (Number(f[11]) + Number(f[12])) / TICKS_PER_SEC };
  } catch {
    return undefined;
  }
}
