/**
 * Exactly-once writes over REST for a sync client. Each write gets the next mutation id of the
 * client and is sent with `X-Client-Id`, `X-Client-Mutation-Id` and
 * `Idempotency-Key: <clientId>:<mutationId>`, one at a time, in order. A network failure or a 5xx
 * resends the same write with the same ids: the server replays the stored response (idempotency)
 * or answers 409 `mutation_already_applied`, so it never applies twice. The result carries the
 * version the write committed at (`X-Sync-Version`); with a sync client attached, `send`
 * resolves only once the store has reached it (the write is confirmed and visible).
 */
import { authHeaders, type HttpConfig, urlOf } from './http.ts';
import type { SyncClient } from './client.ts';

/** Outcome of one write. */
export interface MutationResult<T = any> {
  mutationId: number;
  status: number;
  body: T;
  /** Version the write committed at (absent when it changed nothing or failed). */
  version?: number;
  /** The server had already applied this mutation (a resend whose stored response expired). */
  duplicate: boolean;
}

/** Options of {@link MutationQueue}. */
export interface MutationQueueOptions {
  clientId: string;
  /** The last mutation id the server applied for this client (ids continue after it). */
  lastMutationId?: number;
  /** Waits for each write's version to reach this client's store. */
  sync?: SyncClient;
  /** Attempts per write before giving up on network errors and 5xx (default 8). */
  maxAttempts?: number;
  /** Delay bound of the first retry in ms (default 200), doubled per attempt up to 5 s. */
  retryBaseMs?: number;
}

/** A serial queue of exactly-once REST writes. */
export class MutationQueue {
  private last: number;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly http: HttpConfig,
    private readonly options: MutationQueueOptions,
  ) {
    this.last = options.lastMutationId ?? 0;
  }

  /** The id the last queued write received. */
  get lastMutationId(): number {
    return this.last;
  }

  /**
   * Queues a write (`POST`, `PATCH`, `PUT`, `DELETE` to an `/api/v1/…` path).
   * @returns the final answer; 4xx answers are returned, not thrown
   * @throws Error when every attempt failed on the network or with 5xx
   */
  send<T = any>(method: string, path: string, body?: unknown): Promise<MutationResult<T>> {
    const run = this.chain.then(() => this.run<T>(method, path, body));
    this.chain = run.catch(() => {});
    return run;
  }

  private async run<T>(method: string, path: string, body: unknown): Promise<MutationResult<T>> {
    const id = ++this.last;
    const { clientId } = this.options;
    const headers: Record<string, string> = {
      ...authHeaders(this.http),
      'x-client-id': clientId,
      'x-client-mutation-id': String(id),
      'idempotency-key': `${clientId}:${id}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const attempts = this.options.maxAttempts ?? 8;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt) {
        const bound = Math.min(5000, (this.options.retryBaseMs ?? 200) * 2 ** (attempt - 1));
        await new Promise((r) => setTimeout(r, Math.random() * bound));
      }
      let res: Response;
      try {
        res = await this.http.fetch(urlOf(this.http, path), {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          credentials: 'include',
        });
      } catch (err) {
        lastError = err;
        continue;
      }
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON
      }
      if (res.status >= 500 || (res.status === 409 && parsed?.code === 'idempotency_in_flight')) {
        lastError = new Error(`${res.status} ${parsed?.detail ?? res.statusText}`);
        continue;
      }
      const v = res.headers.get('x-sync-version');
      const result: MutationResult<T> = {
        mutationId: id,
        status: res.status,
        body: parsed,
        version: v ? Number(v) : undefined,
        duplicate: res.status === 409 && parsed?.code === 'mutation_already_applied',
      };
      if (result.version && this.options.sync) await this.options.sync.waitForVersion(result.version);
      return result;
    }
    throw lastError instanceof Error ? lastError : new Error('the write could not be sent');
  }
}
