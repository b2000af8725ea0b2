/**
 * The WebSocket sync gateway (`GET /api/v1/sync/ws`, protocol in ./protocol.ts).
 *
 * One connection: the client says `hello` (with a token, or relying on the session cookie of the
 * upgrade request, whose Origin the route already checked), the gateway answers `welcome`, pages
 * through the op log from the client's `baseVersion` (no cap: as many pages as needed), says
 * `caughtUp`, then streams new versions as the bus announces them. The bus carries only
 * `{workspaceId, version}`; the gateway always reads `sync_operation` from the last version it
 * sent, so a lost announcement delays nothing past the next heartbeat (each heartbeat also polls).
 *
 * Permissions: each connection holds its user's scope (./scope.ts). It is reloaded before sending
 * any page that contains team, team membership or member operations, and at every heartbeat
 * (with the credentials, so a revoked token or ended session closes the socket); gained or lost
 * teams are announced with `scopeChange` before the page. A user removed from the workspace gets
 * `error forbidden` and the socket closes.
 *
 * Back-pressure: the gateway reads the next page only once the socket's send buffer is below a
 * low-water mark; a buffer above `maxQueuedBytes`, or one that does not drain in
 * `drainTimeoutMs`, gets `reset {reason: 'slow_consumer'}` and the socket closes (the ws
 * library does not bound its queue by itself). No per-message compression (ws#1202).
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Database } from '@exponential/db';
import type { Actor } from '../plugins/auth.ts';
import type { Bus } from './bus.ts';
import { headVersion, type LogPage, readLogPage, retentionFloor, touchesScope, visibleOps } from './oplog.ts';
import { CLOSE, type HelloMessage, type ResetReason, type ServerMessage, SYNC_PROTOCOL } from './protocol.ts';
import { diffScopes, loadScope, type SyncScope } from './scope.ts';

/** Tunables of the gateway (tests lower them). */
export const gatewayLimits = {
  /** Interval of `ping` frames, polls and permission checks. */
  heartbeatMs: 20_000,
  /** Silence after which a connection is dropped (no frame from the client). */
  idleTimeoutMs: 65_000,
  /** Time allowed for the `hello` frame. */
  helloTimeoutMs: 10_000,
  /** Bytes queued on a socket past which the client is a slow consumer. */
  maxQueuedBytes: 8 * 1024 * 1024,
  /** Time the queue may stay above the low-water mark (a quarter of the maximum). */
  drainTimeoutMs: 30_000,
  /** Operations per page read from the log. */
  pageOps: 500,
};

/** What the gateway needs. */
export interface GatewayDeps {
  database: Database;
  bus: Bus;
  log: FastifyBaseLogger;
  resolveCredentials: FastifyInstance['resolveCredentials'];
}

/** Credentials of the upgrade request. */
export interface UpgradeInfo {
  /** The session cookie's value, when the request carried one (Origin already checked). */
  sessionToken?: string;
}

/** Creates a gateway; `accept` takes each upgraded socket, `close` ends them all. */
export function createGateway(deps: GatewayDeps) {
  const byWorkspace = new Map<string, Set<Connection>>();
  const all = new Set<Connection>();
  /**
   * Page reads in flight, by workspace and starting version. An announcement wakes every
   * connection of the workspace at once and they all ask for the page after the same version:
   * one query serves them all (N connections cost one read per version, not N; bench B7). A read
   * that started before a newer commit only misses that version, which the pump reads next.
   */
  const reads = new Map<string, Promise<LogPage>>();
  const readPage = (workspaceId: string, after: number): Promise<LogPage> => {
    const key = `${workspaceId}:${after}:${gatewayLimits.pageOps}`;
    let read = reads.get(key);
    if (!read) {
      read = readLogPage(deps.database.db, workspaceId, after, gatewayLimits.pageOps).finally(() => reads.delete(key));
      reads.set(key, read);
    }
    return read;
  };
  /**
   * `ops` frames already encoded for a shared page, by what the reader may see: connections with
   * the same teams get the same text, unless an operation carries the reader's own client
   * mutation (`cm`, sent only to its author). Encoding once per page, not per connection.
   */
  const frames = new WeakMap<LogPage, Map<string, string>>();
  const scopeKeys = new WeakMap<SyncScope, string>();
  const opsFrame = (page: LogPage, scope: SyncScope): string => {
    let teams = scopeKeys.get(scope);
    if (teams === undefined) {
      teams = [...scope.teamIds].sort().join(',');
      scopeKeys.set(scope, teams);
    }
    const own = page.rows.some((r) => r.clientId !== null && r.actorId === scope.userId);
    const key = own ? `${teams}|${scope.userId}` : teams;
    let byKey = frames.get(page);
    if (!byKey) {
      byKey = new Map();
      frames.set(page, byKey);
    }
    let text = byKey.get(key);
    if (text === undefined) {
      const msg: ServerMessage = { type: 'ops', fromVersion: page.fromVersion, toVersion: page.toVersion, ops: visibleOps(page.rows, scope) };
      text = JSON.stringify(msg);
      byKey.set(key, text);
    }
    return text;
  };
  const unsubscribe = deps.bus.subscribe((msg) => {
    for (const c of byWorkspace.get(msg.workspaceId) ?? []) c.announce(msg.version);
  });

  class Connection {
    private scope: SyncScope | null = null;
    private actor: Actor | null = null;
    private credentials: { bearer?: string; sessionToken?: string; workspace?: string } = {};
    /** Last version sent to the client. */
    private sent = 0;
    private wanted = 0;
    private pumping = false;
    private caughtUp = false;
    private closed = false;
    private lastSeen = Date.now();
    private timers: NodeJS.Timeout[] = [];
    private scopeChain: Promise<unknown> = Promise.resolve();

    constructor(
      private readonly ws: WebSocket,
      private readonly upgrade: UpgradeInfo,
    ) {
      all.add(this);
      ws.on('message', (raw, isBinary) => this.onFrame(raw as Buffer, isBinary));
      ws.on('close', () => this.dispose());
      ws.on('error', () => this.dispose());
      this.timers.push(
        setTimeout(() => {
          if (!this.scope) this.fail('hello_timeout', 'none', 'No hello frame received in time', CLOSE.protocol);
        }, gatewayLimits.helloTimeoutMs),
      );
    }

    announce(version: number) {
      if (version > this.wanted) this.wanted = version;
      void this.pump();
    }

    private send(msg: ServerMessage | string): boolean {
      if (this.closed) return false;
      this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
      if (this.ws.bufferedAmount > gatewayLimits.maxQueuedBytes) {
        this.reset('slow_consumer');
        return false;
      }
      return true;
    }

    private reset(reason: ResetReason) {
      if (this.closed) return;
      this.ws.send(JSON.stringify({ type: 'reset', reason, retryAfterMs: Math.floor(Math.random() * 2000) }));
      this.end(reason === 'slow_consumer' ? CLOSE.slowConsumer : CLOSE.reset, reason);
    }

    private fail(code: string, retry: 'backoff' | 'reauth' | 'none', detail: string, closeCode: number) {
      if (this.closed) return;
      this.ws.send(JSON.stringify({ type: 'error', code, retry, detail }));
      this.end(closeCode, code);
    }

    private end(code: number, reason: string) {
      if (this.closed) return;
      this.dispose();
      this.ws.close(code, reason);
      // A client that reads nothing never answers the close handshake.
      setTimeout(() => this.ws.terminate(), 5_000).unref();
    }

    private dispose() {
      if (this.closed) return;
      this.closed = true;
      for (const t of this.timers) {
        clearTimeout(t);
        clearInterval(t);
      }
      all.delete(this);
      if (this.scope) byWorkspace.get(this.scope.workspaceId)?.delete(this);
    }

    private onFrame(raw: Buffer, isBinary: boolean) {
      this.lastSeen = Date.now();
      let msg: { type?: unknown } & Record<string, unknown>;
      try {
        if (isBinary) throw new Error('binary');
        msg = JSON.parse(raw.toString('utf8'));
        if (!msg || typeof msg !== 'object') throw new Error('not an object');
      } catch {
        this.fail('bad_frame', 'none', 'Frames must be JSON text objects', CLOSE.protocol);
        return;
      }
      if (msg.type === 'hello') {
        if (this.actor || this.credentials.bearer !== undefined || this.credentials.sessionToken) {
          this.fail('bad_frame', 'none', 'hello may be sent only once', CLOSE.protocol);
          return;
        }
        this.onHello(msg as unknown as HelloMessage).catch((err) => {
          deps.log.error({ err }, 'sync hello failed');
          this.fail('internal', 'backoff', 'The server could not start the stream', 1011);
        });
      } else if (!this.scope && msg.type !== 'pong' && msg.type !== 'ping') {
        this.fail('bad_frame', 'none', 'The first frame must be hello', CLOSE.protocol);
      } else if (msg.type === 'ping') {
        this.ws.send(JSON.stringify({ type: 'pong', t: msg.t ?? null }));
      }
      // `pong` and unknown frames only prove the client is alive.
    }

    private async onHello(hello: HelloMessage) {
      const { protocol, clientId, baseVersion, token, workspace } = hello;
      if (protocol !== SYNC_PROTOCOL) {
        this.fail('protocol_unsupported', 'none', `This server speaks sync protocol ${SYNC_PROTOCOL}`, CLOSE.protocol);
        return;
      }
      if (typeof clientId !== 'string' || !/^[A-Za-z0-9_.:-]{1,64}$/.test(clientId) || !Number.isSafeInteger(baseVersion) || baseVersion < 0) {
        this.fail('bad_frame', 'none', 'hello needs clientId (1-64 of [A-Za-z0-9_.:-]) and baseVersion (an integer ≥ 0)', CLOSE.protocol);
        return;
      }
      if (token !== undefined && typeof token !== 'string') {
        this.fail('bad_frame', 'none', 'token must be a string', CLOSE.protocol);
        return;
      }
      this.credentials =
        token !== undefined
          ? { bearer: token }
          : { sessionToken: this.upgrade.sessionToken, workspace: typeof workspace === 'string' ? workspace : undefined };
      const actor = await this.authenticate();
      if (!actor) return;
      const scope = await loadScope(deps.database.db, actor.userId, actor.workspaceId as string);
      if (!scope) {
        this.fail('forbidden', 'none', 'You are not a member of this workspace', CLOSE.forbidden);
        return;
      }
      const head = await headVersion(deps.database.db, scope.workspaceId);
      if (head === null) {
        this.fail('forbidden', 'none', 'The workspace no longer exists', CLOSE.forbidden);
        return;
      }
      if (this.closed) return;
      const floor = await retentionFloor(deps.database.db, scope.workspaceId, head);
      if (baseVersion > head || baseVersion < floor) {
        this.reset('too_far_behind');
        return;
      }
      this.scope = scope;
      this.sent = baseVersion;
      this.wanted = head;
      const set = byWorkspace.get(scope.workspaceId) ?? new Set<Connection>();
      byWorkspace.set(scope.workspaceId, set);
      set.add(this);
      this.send({
        type: 'welcome',
        protocol: SYNC_PROTOCOL,
        headVersion: head,
        userId: scope.userId,
        workspaceId: scope.workspaceId,
        teamIds: [...scope.teamIds].sort(),
        heartbeatMs: gatewayLimits.heartbeatMs,
      });
      this.timers.push(setInterval(() => void this.heartbeat(), gatewayLimits.heartbeatMs));
      await this.pump();
    }

    /** Resolves the connection's credentials; on failure says why and closes. */
    private async authenticate(): Promise<(Actor & { workspaceId: string }) | null> {
      let actor: Actor | null = null;
      try {
        actor = await deps.resolveCredentials(this.credentials);
      } catch (err) {
        const status = (err as { status?: number }).status;
        if (status === 404) {
          this.fail('forbidden', 'none', 'You are not a member of this workspace', CLOSE.forbidden);
          return null;
        }
        if (status !== 401) throw err;
      }
      if (!actor) {
        this.fail('unauthenticated', 'reauth', 'Sign in, or send a valid token in hello', CLOSE.unauthenticated);
        return null;
      }
      if (!actor.workspaceId || (this.actor && actor.workspaceId !== this.actor.workspaceId)) {
        this.fail('forbidden', 'none', 'Create or join a workspace first', CLOSE.forbidden);
        return null;
      }
      this.actor = actor;
      return actor as Actor & { workspaceId: string };
    }

    private async heartbeat() {
      if (this.closed || !this.scope) return;
      if (Date.now() - this.lastSeen > gatewayLimits.idleTimeoutMs) {
        this.ws.terminate();
        this.dispose();
        return;
      }
      this.send({ type: 'ping', t: Date.now() });
      try {
        if (!(await this.authenticate())) return;
        await this.refreshScope(this.sent);
        void this.pump();
      } catch (err) {
        deps.log.warn({ err }, 'sync heartbeat check failed');
      }
    }

    /**
     * Reloads the scope; announces gained or lost teams. Calls run one after another (the pump
     * and the heartbeat may both ask), so one change is announced once.
     * @returns false when the socket closed
     */
    private refreshScope(version: number): Promise<boolean> {
      const run = this.scopeChain.then(() => this.reloadScope(version));
      this.scopeChain = run.catch(() => false);
      return run;
    }

    private async reloadScope(version: number): Promise<boolean> {
      if (this.closed) return false;
      const before = this.scope as SyncScope;
      const after = await loadScope(deps.database.db, before.userId, before.workspaceId);
      if (this.closed) return false;
      if (!after) {
        this.fail('forbidden', 'none', 'You are no longer a member of this workspace', CLOSE.forbidden);
        return false;
      }
      const { added, removed } = diffScopes(before, after);
      this.scope = after;
      if (added.length || removed.length) return this.send({ type: 'scopeChange', version, added, removed });
      return true;
    }

    /** Sends every version after `sent`, page by page; one pump runs at a time. */
    private async pump(): Promise<void> {
      if (this.pumping || this.closed || !this.scope) return;
      this.pumping = true;
      try {
        for (;;) {
          if (this.closed) return;
          if (!(await this.drained())) return;
          const page = await readPage(this.scope.workspaceId, this.sent);
          if (this.closed) return;
          if (page.toVersion > this.sent) {
            if (touchesScope(page.rows) && !(await this.refreshScope(page.toVersion))) return;
            if (!this.send(opsFrame(page, this.scope))) return;
            this.sent = page.toVersion;
          }
          if (page.more) continue;
          if (!this.caughtUp) {
            this.caughtUp = true;
            if (!this.send({ type: 'caughtUp', version: this.sent })) return;
          }
          if (this.wanted <= this.sent) return;
        }
      } catch (err) {
        deps.log.error({ err }, 'sync pump failed');
        this.fail('internal', 'backoff', 'The stream failed; reconnect', 1011);
      } finally {
        this.pumping = false;
      }
    }

    /** Waits until the send buffer is below a quarter of the maximum. @returns false on a slow consumer */
    private async drained(): Promise<boolean> {
      const low = gatewayLimits.maxQueuedBytes / 4;
      const deadline = Date.now() + gatewayLimits.drainTimeoutMs;
      while (this.ws.bufferedAmount > low) {
        if (this.closed) return false;
        if (Date.now() > deadline) {
          this.reset('slow_consumer');
          return false;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      return !this.closed;
    }
  }

  return {
    /** Takes over an upgraded socket. */
    accept(ws: WebSocket, upgrade: UpgradeInfo) {
      new Connection(ws, upgrade);
    },
    /** Number of open connections (for metrics and tests). */
    get size() {
      return all.size;
    },
    /** Stops listening to the bus (sockets are closed by the WebSocket plugin). */
    close() {
      unsubscribe();
    },
  };
}

/** The gateway's type. */
export type Gateway = ReturnType<typeof createGateway>;
