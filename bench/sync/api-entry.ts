/**
 * Entry point of the API under benchmark: exactly what `apps/server/src/main.ts` runs (`start()`
 * with the process environment), plus an IPC channel so the harness can read the process's
 * memory after a full GC (`node --expose-gc`). Messages from the parent: `{type: 'mem', id}` →
 * `{type: 'mem', id, rss, heapUsed, heapTotal, external, arrayBuffers}` (bytes, after two GCs);
 * `{type: 'snapshot', id, path}` writes a heap snapshot there (diagnostics).
 * Only used by bench/sync and bench/import; never part of the product.
 */
import { writeHeapSnapshot } from 'node:v8';
import { start } from '../../apps/server/src/main.ts';
import { memorySnapshot } from './lib/memory.ts';

process.on('message', (msg: { type?: string; id?: number; path?: string }) => {
  if (msg?.type === 'mem') process.send?.({ type: 'mem', id: msg.id, ...memorySnapshot() });
  // Diagnostics: a heap snapshot to a file the harness names.
  if (msg?.type === 'snapshot' && msg.path) process.send?.({ type: 'snapshot', id: msg.id, path: writeHeapSnapshot(msg.path) });
});

start().catch((err) => {
  console.error(err);
  process.exit(1);
});
