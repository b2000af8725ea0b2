/**
 * Issue descriptions converted to sanitized HTML in a worker thread while the import writes.
 *
 * Why a worker: measured on the 100,000-issue benchmark (docs/PERFORMANCE.md, "Import"), the
 * conversion (jira2md → markdown-it → sanitize-html) is the largest CPU cost of the write, and
 * sanitize-html keeps a large part of what it allocates alive past the young generation's
 * collections (35–45% of its allocations survive a scavenge, against almost none for markdown-it),
 * so on the server's thread it filled the old generation with garbage that V8 let grow to several
 * hundred MB between full collections. In a worker whose old generation is capped at
 * {@link CONVERT_WORKER_OLD_MB}, V8 collects it within that cap, and the conversion runs on another
 * core while the server's thread builds rows and talks to the database.
 *
 * One worker per process, started on first use and stopped after {@link CONVERT_WORKER_IDLE_MS}
 * without work; imports running at once share it (requests are answered in order). Batches under
 * {@link CONVERT_IN_WORKER_MIN} issues are converted in the calling thread (starting a worker costs
 * more). When the worker cannot be used (it fails to start, or dies, e.g. out of memory on a
 * pathological description), the batch is converted in the calling thread instead: the result is
 * the same HTML, from the same function ({@link descriptionHtml}).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ImportIssue, RichText, TextFormat } from './imports.model.ts';
import type { Slicer } from './imports.slicer.ts';
import { convertIssue, setIssueHtml } from './imports.validate.ts';

/** Old-generation cap of the conversion worker, in MB (its young generation is V8's default). */
export const CONVERT_WORKER_OLD_MB = 64;
/** The worker stops after this long (ms) without a conversion to do. */
export const CONVERT_WORKER_IDLE_MS = 30_000;
/** Most characters of text in one message to the worker (a batch is split into several). */
export const CONVERT_MESSAGE_CHARS = 1_000_000;
/** Smallest batch sent to the worker; smaller ones are converted in the calling thread. */
export const CONVERT_IN_WORKER_MIN = 100;

/** A batch sent to the worker: each item is `[format, description text or null, suffix or null]`. */
export interface ConvertRequest {
  id: number;
  /** Jira account id → display name, for mentions. */
  names?: Array<[string, string]>;
  items: Array<[TextFormat, string | null, string | null]>;
}

/** The worker's answer: the HTML of each item in order (null when empty), or why it failed. */
export type ConvertReply = { id: number; html: Array<string | null> } | { id: number; error: string } | { ready: true };

/**
 * The worker's entry: next to this file when running from the TypeScript sources (through a small
 * JavaScript bootstrap that registers tsx in the worker), or the compiled worker next to the
 * server bundle (`import.meta.filename` is the bundle chunk's then; scripts/build-server.mjs).
 */
function workerUrl(): URL {
  const here = import.meta.filename ?? fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return pathToFileURL(path.join(path.dirname(here), 'imports.convert.dev-worker.mjs'));
  return pathToFileURL(path.join(path.dirname(here), 'imports-convert-worker.mjs'));
}

type Pending = { resolve: (html: Array<string | null>) => void; reject: (err: Error) => void };

/** The conversion worker of this process (see the module comment). */
class ConvertWorker {
  private worker: Worker | null = null;
  private ready = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private idle: NodeJS.Timeout | null = null;
  /** Set when the worker failed before it was ready: conversions stay in the calling thread. */
  unavailable: string | null = null;
  /** Batches converted by the worker and in the calling thread (tests, diagnostics). */
  readonly stats = { inWorker: 0, inThread: 0, failures: 0 };

  private start(): Worker {
    const w = new Worker(workerUrl(), { name: 'import-convert', resourceLimits: { maxOldGenerationSizeMb: CONVERT_WORKER_OLD_MB } });
    // Never keeps the process alive; a busy import keeps it referenced through its own promises.
    w.unref();
    this.ready = false;
    w.on('message', (r: ConvertReply) => {
      if ('ready' in r) {
        this.ready = true;
        return;
      }
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if ('error' in r) p.reject(new Error(r.error));
      else p.resolve(r.html);
      if (!this.pending.size) this.armIdle();
    });
    w.on('error', (err) => this.lost(w, err));
    w.on('exit', (code) => this.lost(w, new Error(`the import conversion worker stopped (exit code ${code})`)));
    return w;
  }

  private lost(w: Worker, err: Error, failure = true): void {
    if (this.worker !== w) return;
    this.worker = null;
    if (failure) this.stats.failures++;
    if (!this.ready) this.unavailable = err.message;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private armIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => {
      this.idle = null;
      if (!this.pending.size) void this.stop();
    }, CONVERT_WORKER_IDLE_MS);
    this.idle.unref();
  }

  /**
   * Converts `items` in the worker.
   * @returns the HTML of each item, in order
   * @throws Error when the worker is unavailable or fails meanwhile (the caller converts in its thread)
   */
  convert(items: ConvertRequest['items'], names?: ReadonlyMap<string, string>): Promise<Array<string | null>> {
    if (this.unavailable) return Promise.reject(new Error(this.unavailable));
    if (this.idle) {
      clearTimeout(this.idle);
      this.idle = null;
    }
    this.worker ??= this.start();
    const id = this.nextId++;
    const done = new Promise<Array<string | null>>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    const request: ConvertRequest = { id, items, ...(names?.size ? { names: [...names] } : {}) };
    this.worker.postMessage(request);
    return done;
  }

  /** Stops the worker (pending conversions fail over to the calling thread). */
  async stop(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.lost(w, new Error('the import conversion worker was stopped'), false);
    await w.terminate();
  }
}

const shared = new ConvertWorker();

/** How conversions ran so far in this process, and why the worker is unavailable if it is (tests, diagnostics). */
export function converterStats(): { inWorker: number; inThread: number; failures: number; unavailable: string | null } {
  return { ...shared.stats, unavailable: shared.unavailable };
}

/** Stops the conversion worker if it runs (tests; it also stops by itself when idle). */
export function stopConverter(): Promise<void> {
  return shared.stop();
}

/** One text to convert: a rich text (or null) and HTML to append to it ({@link descriptionHtml}). */
export interface ConvertItem {
  text: RichText | null | undefined;
  suffix?: string | null;
}

/**
 * Converts `items` with {@link descriptionHtml} in the worker (see the module comment).
 * @param names Jira account id → display name, for mentions
 * @returns the HTML of each item in order (null when empty), or null when the batch is too small
 *   for the worker or the worker cannot be used: the caller then converts in its own thread
 */
export async function convertInWorker(items: ConvertItem[], names: ReadonlyMap<string, string> | undefined): Promise<Array<string | null> | null> {
  if (items.length < CONVERT_IN_WORKER_MIN || shared.unavailable) return null;
  // Messages of at most CONVERT_MESSAGE_CHARS characters, so the worker's capped heap never holds
  // more than that much text at once (a CSV cell may hold 100,000 characters).
  const messages: Array<ConvertRequest['items']> = [];
  let current: ConvertRequest['items'] = [];
  let chars = 0;
  for (const i of items) {
    const size = (i.text?.text.length ?? 0) + (i.suffix?.length ?? 0);
    if (current.length && chars + size > CONVERT_MESSAGE_CHARS) {
      messages.push(current);
      current = [];
      chars = 0;
    }
    current.push([i.text?.format ?? 'plain', i.text?.text ?? null, i.suffix ?? null]);
    chars += size;
  }
  messages.push(current);
  try {
    // Sent at once: the worker converts them in order while this thread waits.
    const parts = await Promise.all(messages.map((m) => shared.convert(m, names)));
    const html = parts.flat();
    if (html.length !== items.length) return null;
    shared.stats.inWorker++;
    return html;
  } catch {
    return null;
  }
}

/**
 * Sets `html` on every issue of `issues` that has none yet ({@link setIssueHtml}), converting
 * their descriptions in the worker ({@link convertInWorker}), or in the calling thread for a
 * small batch or when the worker cannot be used, yielding to the event loop between issues there.
 * @param names Jira account id → display name, for mentions
 * @param slicer lets the event loop run during a conversion in the calling thread
 * @throws whatever the conversion throws (the same in either thread)
 */
export async function convertIssues(issues: ImportIssue[], names: ReadonlyMap<string, string> | undefined, slicer: Slicer): Promise<void> {
  const todo = issues.filter((i) => i.html === undefined);
  if (!todo.length) return;
  const html = await convertInWorker(todo.map((i) => ({ text: i.description, suffix: i.descriptionSuffix })), names);
  if (html) {
    todo.forEach((i, k) => setIssueHtml(i, html[k] ?? null));
    return;
  }
  shared.stats.inThread++;
  for (const i of todo) {
    convertIssue(i, names);
    await slicer.maybe();
  }
}
