/**
 * The import's rich-text conversion worker (a worker thread; started by imports.convert.ts).
 * Each message converts a batch of issue descriptions with {@link descriptionHtml}, the same
 * function the calling thread would run, and answers with their sanitized HTML in order.
 */
import { parentPort } from 'node:worker_threads';
import { descriptionHtml } from './imports.text.ts';
import type { ConvertReply, ConvertRequest } from './imports.convert.ts';

const port = parentPort;
if (!port) throw new Error('imports.convert.worker.ts runs as a worker thread');

port.on('message', (m: ConvertRequest) => {
  let reply: ConvertReply;
  try {
    const names = m.names ? new Map(m.names) : undefined;
    reply = { id: m.id, html: m.items.map(([format, text, suffix]) => descriptionHtml(text === null ? null : { format, text }, suffix, names)) };
  } catch (err) {
    reply = { id: m.id, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
// Loaded: from now on a failure of the worker is not a failure to start.
port.postMessage({ ready: true } satisfies ConvertReply);
