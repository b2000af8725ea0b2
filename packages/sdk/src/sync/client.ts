/**
 * The sync client (browsers and Node ≥ 20): bootstrap (or load the persisted copy), then a
 * WebSocket from the local version, applying each batch exactly once into a {@link SyncStore}.
 *
 * - A batch is applied only when its `fromVersion` equals the local version; a batch that starts
 *   later means a gap, filled over HTTP (`/api/v1/sync/ops`) first; a batch already covered is a
 *   no-op. All frames are handled one at a time, in arrival order.
 * - `reset` (and a 410 over HTTP) → bootstrap again. `scopeChange` → drop lost teams at once;
 *   gained teams → bootstrap again. At `caughtUp` the local teams are checked against the
 *   server's list.
 * - Reconnects with full-jitter exponential backoff capped at 30 s; a socket silent for 2.5
 *   heartbeats is treated as dead. `error {retry: 'reauth'}` stops the client (status
 *   `unauthorized`).
 * - Volume: a client with a store asks for issue updates as patches, and every client that can
 *   inflate `deflate-raw` asks for compressed catch-up frames (binary frames, inflated in arrival
 *   order). A patch for a record the store does not hold (it missed something) makes the client
 *   bootstrap: at once when live, else once caught up.
 */
import { fetchBootstrap, fetchOps, type HttpConfig, SyncHttpError } from './http.ts';
import { canInflateRaw, inflateRawText } from './inflate.ts';
import type { PersistedMeta, PersistenceAdapter } from './persistence.ts';
import { type HelloFrame, type OpsBatch, type ServerFrame, SYNC_PROTOCOL, type SyncOp } from './protocol.ts';
import { defaultSocketFactory, type SocketFactory, type SocketLike, socketUrl } from './socket.ts';
import { SyncStore } from './store.ts';

/** Options of {@link SyncClient}. */
export interface SyncClientOptions {
  /** Server origin, e.g. `http://localhost:7015`. */
  baseUrl: string;
  /** A personal access token (Node, CLI); browsers omit it and use the session cookie. */
  token?: string;
  /** Workspace id or URL slug for session clients in several workspaces. */
  workspace?: string;
  /** Stable id of this client (tab, device); random by default. */
  clientId?: string;
  /** Keep archived issues in the store. */
  includeArchived?: boolean;
  /** `tail`: no bootstrap and no store contents, only the operations from now on (e.g. `exponential watch`). */
  mode?: 'full' | 'tail';
  fetch?: typeof fetch;
  socketFactory?: SocketFactory;
  persistence?: PersistenceAdapter;
  /** First reconnect delay bound in ms (default 500); the bound doubles up to `backoffMaxMs`. */
  backoffBaseMs?: number;
  /** Longest reconnect delay in ms (default 30 000). */
  backoffMaxMs?: number;
  /** Source of randomness for the jitter (tests pass a seeded one). */
  random?: () => number;
  /**
   * Ask for compressed catch-up frames (default: when the runtime has
   * `DecompressionStream('deflate-raw')`).
   */
  compression?: boolean;
  /** Ask for issue updates as patches (default true; never in tail mode, which keeps no store). */
  patches?: boolean;
}

/** Where the client is. */
export type SyncStatus = 'idle' | 'bootstrapping' | 'connecting' | 'catchingUp' | 'live' | 'offline' | 'unauthorized' | 'stopped';

/** A random client id (URL-safe). */
export function randomClientId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return `c_${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Keeps a {@link SyncStore} in step with the server. */
export class SyncClient {
  readonly store: SyncStore;
  readonly clientId: string;
  status: SyncStatus = 'idle';
  /** The server's last applied mutation id of this client (from the bootstrap). */
  lastMutationId = 0;
  userId: string | undefined;
  workspaceId: string | undefined;
  private readonly http: HttpConfig;
  private socket: SocketLike | null = null;
  private factory: SocketFactory | undefined;
  private chain: Promise<void> = Promise.resolve();
  private attempt = 0;
  private heartbeatMs = 20_000;
  private lastFrameAt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set by stop() and by an authentication failure: nothing moves until start() again. */
  private halted = false;
  private livenessTimer: ReturnType<typeof setInterval> | undefined;
  /** Teams the server says the user may read, kept current through `scopeChange`. */
  private serverTeams: Set<string> | null = null;
  /**
   * Teams whose records the store holds completely: those of the last bootstrap and those
   * created since (a team's insert carries its states). A team that only appears through later
   * operations (after the user gained access while offline) is not complete: it needs a bootstrap.
   */
  private completeTeams = new Set<string>();
  private readonly waiters: Array<{ version: number; resolve: () => void }> = [];
  private readonly statusListeners = new Set<(s: SyncStatus, detail?: string) => void>();
  private readonly opsListeners = new Set<(ops: SyncOp[], batch: OpsBatch) => void>();

  constructor(private readonly options: SyncClientOptions) {
    this.clientId = options.clientId ?? randomClientId();
    this.store = new SyncStore(options.includeArchived ?? false);
    this.http = { baseUrl: options.baseUrl, token: options.token, workspace: options.workspace, fetch: options.fetch ?? globalThis.fetch.bind(globalThis) };
  }

  /** Calls `fn` on every status change; returns an unsubscribe function. */
  onStatus(fn: (s: SyncStatus, detail?: string) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  /** Calls `fn` with the operations of each applied batch (all entities, comments included). */
  onOps(fn: (ops: SyncOp[], batch: OpsBatch) => void): () => void {
    this.opsListeners.add(fn);
    return () => this.opsListeners.delete(fn);
  }

  /**
   * Loads the persisted copy or bootstraps, connects, and resolves once caught up.
   * @throws SyncHttpError (401, 403) or Error when the client stops before catching up
   */
  async start(): Promise<void> {
    if (this.status !== 'idle' && !this.halted) throw new Error('already started');
    this.halted = false;
    this.setStatus('connecting');
    this.factory = this.options.socketFactory ?? (await defaultSocketFactory());
    const live = new Promise<void>((resolve, reject) => {
      const off = this.onStatus((s, detail) => {
        if (s === 'live') resolve();
        else if (s === 'unauthorized' || s === 'stopped') reject(new Error(detail ?? `sync ${s}`));
        else return;
        off();
      });
    });
    await this.enqueue(() => this.prepare());
    this.connect();
    return live;
  }

  /** Closes the socket and stops reconnecting. */
  stop(): void {
    this.halt('stopped');
  }

  private halt(status: 'stopped' | 'unauthorized', detail?: string) {
    clearTimeout(this.reconnectTimer);
    clearInterval(this.livenessTimer);
    const s = this.socket;
    this.socket = null;
    if (s) this.kill(s);
    this.halted = false;
    this.setStatus(status, detail);
    this.halted = true;
  }

  /** Drops the connection as a network failure would (tests, or a browser going offline); it reconnects. */
  disconnect(): void {
    const s = this.socket;
    if (s) this.onSocketGone(s);
  }

  /** Resolves once the store has reached `version` (a write confirmed by `X-Sync-Version`). */
  waitForVersion(version: number): Promise<void> {
    if (this.store.version >= version) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ version, resolve }));
  }

  private setStatus(s: SyncStatus, detail?: string) {
    if (this.halted) return;
    this.status = s;
    for (const l of this.statusListeners) l(s, detail);
  }

  private enqueue(fn: () => Promise<void> | void): Promise<void> {
    const run = this.chain.then(fn);
    this.chain = run.catch((err) => this.onFailure(err));
    return run;
  }

  private onFailure(err: unknown) {
    if (err instanceof SyncHttpError && (err.status === 401 || err.status === 403)) {
      this.halt('unauthorized', err.message);
      return;
    }
    // Anything else (network, a broken stream): start over on a new socket.
    if (this.socket) this.onSocketGone(this.socket);
  }

  private meta(): PersistedMeta {
    return {
      version: this.store.version,
      protocol: SYNC_PROTOCOL,
      userId: this.userId ?? '',
      workspaceId: this.workspaceId ?? '',
      includeArchived: this.store.includeArchived,
      completeTeams: [...this.completeTeams],
    };
  }

  private async prepare() {
    if (this.options.mode === 'tail') {
      const page = await fetchOps(this.http, 0, 1);
      this.store.version = page.headVersion;
      return;
    }
    const saved = await this.options.persistence?.load();
    if (saved && saved.protocol === SYNC_PROTOCOL && saved.includeArchived === this.store.includeArchived) {
      this.userId = saved.userId;
      this.workspaceId = saved.workspaceId;
      this.store.replace(saved.rows, saved.version);
      this.completeTeams = new Set(saved.completeTeams ?? []);
      return;
    }
    await this.bootstrap();
  }

  private async bootstrap() {
    const before = this.status;
    this.setStatus('bootstrapping');
    let b: Awaited<ReturnType<typeof fetchBootstrap>>;
    try {
      b = await fetchBootstrap(this.http, { includeArchived: this.store.includeArchived, clientId: this.clientId });
    } finally {
      if (this.status === 'bootstrapping') this.setStatus(before);
    }
    this.userId = b.header.userId;
    this.workspaceId = b.header.workspaceId;
    this.lastMutationId = Math.max(this.lastMutationId, b.header.lastMutationId ?? 0);
    this.store.replace(b.rows, b.header.version);
    this.completeTeams = this.store.teamIds();
    await this.options.persistence?.replace({ ...this.meta(), rows: b.rows });
    this.settleWaiters();
  }

  private connect() {
    if (this.halted || !this.factory) return;
    this.setStatus('connecting');
    const s = this.factory(socketUrl(this.options.baseUrl));
    this.socket = s;
    this.lastFrameAt = Date.now();
    // Binary frames (compressed pages) as ArrayBuffer in browsers and in `ws` alike.
    s.binaryType = 'arraybuffer';
    s.onopen = () => {
      if (s !== this.socket) return;
      const hello: HelloFrame = {
        type: 'hello',
        protocol: SYNC_PROTOCOL,
        clientId: this.clientId,
        baseVersion: this.store.version,
        ...(this.options.token ? { token: this.options.token } : {}),
        ...(this.options.workspace ? { workspace: this.options.workspace } : {}),
        ...(this.options.mode !== 'tail' && this.options.patches !== false ? { patches: true } : {}),
        ...((this.options.compression ?? true) && canInflateRaw() ? { compression: 'deflate-raw' as const } : {}),
      };
      s.send(JSON.stringify(hello));
    };
    s.onmessage = (ev) => {
      if (s !== this.socket) return;
      this.lastFrameAt = Date.now();
      if (typeof ev.data !== 'string' && ev.data !== null && typeof ev.data === 'object') {
        // A compressed `ops` frame: inflated inside the chain, so frames stay in arrival order.
        const bytes = ev.data as ArrayBuffer | ArrayBufferView;
        void this.enqueue(async () => {
          if (s !== this.socket) return;
          await this.handle(JSON.parse(await inflateRawText(bytes)) as ServerFrame, s);
        });
        return;
      }
      let frame: ServerFrame;
      try {
        frame = JSON.parse(typeof ev.data === 'string' ? ev.data : String(ev.data));
      } catch {
        return;
      }
      if (frame.type === 'ping') {
        s.send(JSON.stringify({ type: 'pong', t: frame.t }));
        return;
      }
      void this.enqueue(() => this.handle(frame, s));
    };
    s.onclose = () => this.onSocketGone(s);
    s.onerror = () => this.onSocketGone(s);
    clearInterval(this.livenessTimer);
    this.livenessTimer = setInterval(() => {
      if (this.socket === s && Date.now() - this.lastFrameAt > this.heartbeatMs * 2.5) this.onSocketGone(s);
    }, 1000);
  }

  private kill(s: SocketLike) {
    s.onopen = s.onmessage = s.onclose = s.onerror = null;
    try {
      const t = (s as { terminate?: () => void }).terminate;
      if (t) t.call(s);
      else s.close(4000, 'client closing');
    } catch {
      // already closed
    }
  }

  /** The socket closed or failed: reconnect after a full-jitter delay. */
  private onSocketGone(s: SocketLike) {
    if (s !== this.socket) return;
    this.socket = null;
    this.kill(s);
    clearInterval(this.livenessTimer);
    if (this.halted) return;
    this.setStatus('offline');
    const base = this.options.backoffBaseMs ?? 500;
    const max = this.options.backoffMaxMs ?? 30_000;
    const bound = Math.min(max, base * 2 ** Math.min(this.attempt, 16));
    this.attempt += 1;
    const delay = Math.floor((this.options.random ?? Math.random)() * bound);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.enqueue(() => this.connect()), delay);
  }

  private async handle(frame: ServerFrame, s: SocketLike) {
    if (s !== this.socket) return;
    switch (frame.type) {
      case 'welcome':
        this.attempt = 0;
        this.heartbeatMs = frame.heartbeatMs;
        if (this.userId && (frame.userId !== this.userId || frame.workspaceId !== this.workspaceId)) {
          // The persisted copy belongs to someone else: start clean.
          await this.options.persistence?.clear();
          await this.bootstrap();
        }
        this.userId = frame.userId;
        this.workspaceId = frame.workspaceId;
        this.serverTeams = new Set(frame.teamIds);
        this.setStatus('catchingUp');
        return;
      case 'ops':
        await this.apply(frame);
        return;
      case 'caughtUp':
        await this.reconcileTeams();
        this.setStatus('live');
        return;
      case 'scopeChange':
        for (const t of frame.added) this.serverTeams?.add(t);
        for (const t of frame.removed) this.serverTeams?.delete(t);
        if (this.options.mode !== 'tail' && frame.removed.length) await this.drop(frame.removed);
        if (this.options.mode !== 'tail' && frame.added.length) await this.bootstrap();
        return;
      case 'reset':
        if (this.options.mode === 'tail') this.store.version = (await fetchOps(this.http, 0, 1)).headVersion;
        else await this.bootstrap();
        return; // the server closes the socket; the client reconnects from the new version
      case 'error':
        if (frame.retry === 'reauth' || frame.retry === 'none') this.halt('unauthorized', `${frame.code}: ${frame.detail}`);
        return;
      default:
        return;
    }
  }

  /** Applies a batch exactly once, filling a gap before it over HTTP. */
  private async apply(batch: OpsBatch) {
    if (batch.toVersion <= this.store.version) return;
    if (batch.fromVersion > this.store.version) await this.catchUp(batch.fromVersion);
    if (batch.toVersion <= this.store.version || batch.fromVersion > this.store.version) return;
    await this.applyNew(batch);
  }

  /** Applies a batch that starts at or before the store's version, and tells listeners. */
  private async applyNew(batch: OpsBatch) {
    const from = this.store.version;
    const changes = this.store.applyBatch(batch);
    const ops = batch.ops.filter((o) => o.v > from);
    for (const o of ops) {
      if (o.entity === 'team' && o.action === 'insert') this.completeTeams.add(o.id);
      else if (o.entity === 'team' && o.action === 'delete') this.completeTeams.delete(o.id);
    }
    for (const l of this.opsListeners) l(ops, batch);
    await this.persist(changes);
    // A patch without its record: the store missed something; once live, repair it at once
    // (while catching up, `reconcileTeams` does at `caughtUp`).
    if (this.store.missedPatches && this.status === 'live') await this.bootstrap();
  }

  /** Drops teams the user lost access to. */
  private async drop(teams: string[]) {
    for (const t of teams) this.completeTeams.delete(t);
    await this.persist(this.store.dropTeams(teams));
  }

  /** Reads the op log over HTTP until the store reaches `target` (or the head). */
  private async catchUp(target: number) {
    while (this.store.version < target) {
      let page: Awaited<ReturnType<typeof fetchOps>>;
      try {
        page = await fetchOps(this.http, this.store.version);
      } catch (err) {
        if (err instanceof SyncHttpError && err.status === 410) {
          await this.bootstrap();
          return;
        }
        throw err;
      }
      if (page.toVersion <= this.store.version) return;
      await this.applyNew(page);
      if (!page.more) return;
    }
  }

  /** Compares the local teams with the server's list: drops lost ones, bootstraps for incomplete ones. */
  private async reconcileTeams() {
    const server = this.serverTeams;
    if (this.options.mode === 'tail' || !server) return;
    const lost = [...this.store.teamIds()].filter((t) => !server.has(t));
    if (lost.length) await this.drop(lost);
    if (this.store.missedPatches || [...server].some((t) => !this.completeTeams.has(t))) await this.bootstrap();
  }

  private async persist(changes: import('./store.ts').EntityChange[]) {
    if (this.options.mode !== 'tail') await this.options.persistence?.applyChanges(changes, this.meta());
    this.settleWaiters();
  }

  private settleWaiters() {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i] as { version: number; resolve: () => void };
      if (this.store.version >= w.version) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}
