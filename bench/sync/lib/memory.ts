/**
 * Memory of a process as the benchmarks report it: the kernel's resident set (`VmRSS`) and peak
 * (`VmHWM`, reset by writing 5 to `/proc/<pid>/clear_refs`), and V8's heap after a full GC.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Memory figures of the current process in bytes; runs two full GCs first when exposed. */
export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** This process's memory after GC (`--expose-gc`; without it, as it is). */
export function memorySnapshot(): MemorySnapshot {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
}

/** `VmRSS` and `VmHWM` (peak) of a process, in bytes, from `/proc/<pid>/status`. */
export function procMemory(pid: number): { rss: number; peak: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Resets a process's peak RSS (`VmHWM`) to its current RSS. @returns false when not permitted */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; `stop()` gives the highest sample. */
export function sampleRss(pid: number, everyMs = 50): { stop(): number } {
  let max = 0;
  const take = () => {
    try {
      max = Math.max(max, procMemory(pid).rss);
    } catch {
      // the process ended
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return max;
    },
  };
}

/** CPU time (user + system) of a process in milliseconds, from `/proc/<pid>/stat`. */
export function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11] = utime, fields[12] = stime (clock ticks, 100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
