/**
 * Cooperative scheduling of long CPU work on the event loop. An import parses, converts and writes
 * hundreds of thousands of values; done in one go it would stop the server from answering anything
 * else (HTTP, WebSocket heartbeats) for seconds. Loops call {@link Slicer.maybe} often; it lets the
 * event loop run (timers, I/O) once the current slice has used its time budget.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Default slice length, in milliseconds. */
export const SLICE_MS = 15;

/** Splits CPU work into slices of about `budgetMs` with a turn of the event loop between them. */
export class Slicer {
  private start = performance.now();

  /** @param budgetMs slice length in milliseconds */
  constructor(readonly budgetMs: number = SLICE_MS) {}

  /** True when the current slice has used its budget. */
  get due(): boolean {
    return performance.now() - this.start >= this.budgetMs;
  }

  /** Lets the event loop run once (after pending I/O), then starts a new slice. */
  async yield(): Promise<void> {
    await nextTurn();
    this.start = performance.now();
  }

  /** Yields only when the current slice has used its budget. */
  async maybe(): Promise<void> {
    if (this.due) await this.yield();
  }
}
