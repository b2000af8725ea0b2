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
 * Live fan-out: an announcement from this process carries the committed rows, which are the page
 * for connections one version behind (no read: the read was most of the fan-out's latency after
 * commit, bench B7); otherwise it reads the next page once per workspace (and starting version).
 * Either way the page is encoded once per visibility (same readable teams; the author of a client mutation gets its
 * own text with `cm`) and writes that one buffer to every connection that is caught up and idle,
 * in one synchronous loop. Connections still catching up, busy or behind take the same shared
 * page through their own pump.
 *
 * Catch-up volume: connections that say `patches` get pages read with issue updates as field
 * patches (oplog.ts), and those that accept `deflate-raw` get frames of at least
 * `compressMinBytes` compressed, once per page and visibility in libuv's thread pool, never per
 * connection. Pages a pump read stay shared for `recentPageMs`, so clients catching up from the
 * same version at about the same time (a reconnect storm) share one read, one encoding and one
 * compression per page; the pump reads the next page while it encodes and sends the current one.
 *
 * Permissions: each connection holds its user's scope (./scope.ts). It is reloaded before sending
 * any page that contains team, team membership or member operations; gained or lost teams are
 * announced with `scopeChange` before the page. A user removed from the workspace gets
 * `error forbidden` and the socket closes. Every `heartbeatMs` one sweep covers all connections:
 * a `ping` each, then the credentials of all of them re-checked together
 * (`recheckCredentials`: a revoked or expired token, an ended or idle session closes its sockets
 * with `error unauthenticated`), the scopes of each workspace's users reloaded together
 * (`loadScopes`, three statements per workspace) and one poll of the workspace's head: a few
 * statements per workspace per heartbeat, not per connection.
 *
 * Memory: a connection keeps only its socket, its scope (team sets shared between connections
 * with the same teams) and the id of its credential (never the secret). The route hands the
 * socket over with {@link releaseUpgrade}, so the upgrade request and Fastify's request and reply
 * objects are not kept alive for the socket's lifetime.
 *
 * Back-pressure: the gateway reads the next page only once the socket's send buffer is below a
 * low-water mark; a buffer above `maxQueuedBytes`, or one that does not drain in
 * `drainTimeoutMs`, gets `reset {reason: 'slow_consumer'}` and the socket closes (the ws
 * library does not bound its queue by itself). No permessage-deflate (per-connection zlib
 * state, ws#1202); see the compression above instead.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { promisify } from 'node:util';
import { deflateRaw } from 'node:zlib';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Database } from '@exponential/db';
import { type CredentialRef, credentialKey } from '../plugins/auth.ts';
import type { Bus } from './bus.ts';
import { headVersion, type LogPage, type OpRow, readLogPage, retentionFloor, touchesScope, visibleOps } from './oplog.ts';
import { CLOSE, type FrameCompression, type HelloMessage, type ResetReason, type ServerMessage, SYNC_PROTOCOL } from './protocol.ts';
import { diffScopes, loadScope, loadScopes, type SyncScope } from './scope.ts';

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
  /** `ops` frames at least this long (bytes of JSON) are compressed for clients that accept it. */
  compressMinBytes: 16 * 1024,
  /** zlib level of that compression (1 fastest … 9 smallest). */
  compressLevel: 6,
  /** Full pages kept for other readers starting at the same version (a reconnect storm). */
  recentPages: 16,
  /** How long such a page is kept, in ms. */
  recentPageMs: 10_000,
};

/** An encoded `ops` frame: JSON text, or that text compressed (a binary frame). */
interface Frame {
  data: Buffer;
  binary: boolean;
}

const deflateRawAsync = promisify(deflateRaw);

/** What the gateway needs. */
export interface GatewayDeps {
  database: Database;
  bus: Bus;
  log: FastifyBaseLogger;
  resolveCredentials: FastifyInstance['resolveCredentials'];
  recheckCredentials: FastifyInstance['recheckCredentials'];
}

/** Credentials of the upgrade request. */
export interface UpgradeInfo {
  /** The session cookie's value, when the request carried one (Origin already checked). */
  sessionToken?: string;
}

/**
 * Lets go of what `@fastify/websocket` ties to an upgraded socket for its whole life: its
 * `error` listener (a closure over Fastify's request and reply) and the `ServerResponse` it
 * attached to the TCP socket (which holds the request and Fastify's response listeners). Call it
 * in the route's handler, before {@link Gateway.accept} (which installs its own `error` listener).
 */
export function releaseUpgrade(ws: WebSocket, raw: IncomingMessage): void {
  for (const l of ws.listeners('error')) ws.off('error', l as (err: Error) => void);
  const sock = raw.socket as (Socket & { _httpMessage?: ServerResponse | null }) | null;
  const res = sock?._httpMessage;
  if (sock && res && typeof res.detachSocket === 'function') res.detachSocket(sock);
}

/** `ws.send` options of a text frame given as a Buffer. */
const TEXT = { binary: false } as const;
/** `ws.send` options of a binary frame. */
const BINARY = { binary: true } as const;

/** Creates a gateway; `accept` takes each upgraded socket, `close` ends them all. */
export function createGateway(deps: GatewayDeps) {
  /** Connections past `welcome`, by workspace. */
  const byWorkspace = new Map<string, Set<Connection>>();
  /** Every open connection, including those still waiting for `hello`. */
  const all = new Set<Connection>();
  /** Orders scope loads: a scope loaded earlier never replaces one loaded later. */
  let scopeSeq = 0;
  /**
   * Page reads in flight, by workspace and starting version. An announcement wakes every
   * connection of the workspace at once and they all ask for the page after the same version:
   * one query serves them all (N connections cost one read per version, not N; bench B7). A read
   * that started before a newer commit only misses that version, which the pump reads next.
   */
  const reads = new Map<string, Promise<LogPage>>();
  /**
   * Pages pumps read recently, by the same key, oldest first: catch-ups from the same version
   * share them (and their encoded frames) for `recentPageMs`, at most `recentPages` of them. A
   * page's versions are committed, so its content never changes; only a last page (`more`
   * false) may stop short of versions committed since, so it is reused only by a reader that
   * knows of no later version.
   */
  const recent = new Map<string, { page: LogPage; until: number }>();
  /**
   * The page after `after`, shared with concurrent and recent readers.
   * @param atLeast the newest version the reader knows exists (a kept last page must reach it)
   * @param keep whether to keep the page for later readers (catch-up pages, not live ones)
   */
  const readPage = (workspaceId: string, after: number, patches: boolean, atLeast: number, keep: boolean): Promise<LogPage> => {
    const key = `${workspaceId}:${after}:${gatewayLimits.pageOps}:${patches ? 'p' : 'f'}`;
    const kept = recent.get(key);
    if (kept) {
      if (kept.until <= Date.now()) recent.delete(key);
      else if (kept.page.more || kept.page.toVersion >= atLeast) return Promise.resolve(kept.page);
    }
    let read = reads.get(key);
    if (!read) {
      read = readLogPage(deps.database.db, workspaceId, after, gatewayLimits.pageOps, { patches })
        .then((page) => {
          if (keep && page.rows.length && gatewayLimits.recentPages > 0) {
            recent.set(key, { page, until: Date.now() + gatewayLimits.recentPageMs });
            for (const k of recent.keys()) {
              if (recent.size <= gatewayLimits.recentPages) break;
              recent.delete(k);
            }
          }
          return page;
        })
        .finally(() => reads.delete(key));
      reads.set(key, read);
    }
    return read;
  };
  /**
   * Team sets shared by scopes with the same teams, and each set's key (its sorted ids): one
   * copy per distinct set instead of one per connection, and the key of `opsFrame` computed once.
   */
  let teamSets = new Map<string, Set<string>>();
  const teamKeys = new WeakMap<Set<string>, string>();
  const keyOf = (teamIds: Set<string>): string => {
    let key = teamKeys.get(teamIds);
    if (key === undefined) {
      key = [...teamIds].sort().join(',');
      teamKeys.set(teamIds, key);
    }
    return key;
  };
  const intern = (scope: SyncScope): SyncScope => {
    const key = keyOf(scope.teamIds);
    const shared = teamSets.get(key);
    if (shared) scope.teamIds = shared;
    else teamSets.set(key, scope.teamIds);
    return scope;
  };
  /**
   * `ops` frames already encoded for a shared page, by what the reader may see: connections with
   * the same teams get the same bytes, unless an operation carries the reader's own client
   * mutation (`cm`, sent only to its author). Encoded once per page, not per connection.
   */
  const frames = new WeakMap<LogPage, { authored: Set<string> | null; byKey: Map<string, Frame>; zipped: Map<string, Promise<Frame>> }>();
  /**
   * The page's frame for `scope`'s user: text, or (when `deflate` and the text is long enough)
   * a promise of the compressed binary frame. Both are made once per page and view.
   */
  const opsFrame = (page: LogPage, scope: SyncScope, deflate: boolean): Frame | Promise<Frame> => {
    let cache = frames.get(page);
    if (!cache) {
      const authors = page.rows.filter((r) => r.clientId !== null && r.actorId !== null).map((r) => r.actorId as string);
      cache = { authored: authors.length ? new Set(authors) : null, byKey: new Map(), zipped: new Map() };
      frames.set(page, cache);
    }
    const teams = keyOf(scope.teamIds);
    const key = cache.authored?.has(scope.userId) ? `${teams}|${scope.userId}` : teams;
    let text = cache.byKey.get(key);
    if (text === undefined) {
      const msg: ServerMessage = { type: 'ops', fromVersion: page.fromVersion, toVersion: page.toVersion, ops: visibleOps(page.rows, scope) };
      text = { data: Buffer.from(JSON.stringify(msg)), binary: false };
      cache.byKey.set(key, text);
    }
    if (!deflate || text.data.length < gatewayLimits.compressMinBytes) return text;
    let zipped = cache.zipped.get(key);
    if (zipped === undefined) {
      const plain = text;
      zipped = deflateRawAsync(plain.data, { level: gatewayLimits.compressLevel }).then(
        (data) => ({ data, binary: true }),
        // Compression never fails on a Buffer; if it did, the text is still a valid frame.
        () => plain,
      );
      cache.zipped.set(key, zipped);
    }
    return zipped;
  };

  /**
   * An announcement: connections that are caught up, idle and drained get the next page in one
   * synchronous loop (one read per starting version); the others are woken to pump.
   */
  const fanOut = async (workspaceId: string, version: number, committed?: readonly OpRow[]): Promise<void> => {
    const set = byWorkspace.get(workspaceId);
    if (!set) return;
    // The committed rows are the whole of `version` (full post-images: valid with or without patches).
    const local: LogPage | undefined = committed?.length ? { fromVersion: version - 1, toVersion: version, rows: [...committed], more: false } : undefined;
    const groups = new Map<string, { from: number; patches: boolean; conns: Connection[] }>();
    for (const c of set) {
      if (!c.want(version)) continue;
      if (c.ready()) {
        const key = `${c.sent}:${c.patches ? 'p' : 'f'}`;
        const g = groups.get(key);
        if (g) g.conns.push(c);
        else groups.set(key, { from: c.sent, patches: c.patches, conns: [c] });
      } else c.wake();
    }
    for (const { from, patches, conns } of groups.values()) {
      let page: LogPage;
      try {
        page = local && from === local.fromVersion ? local : await readPage(workspaceId, from, patches, version, false);
      } catch (err) {
        deps.log.warn({ err }, 'sync fan-out read failed');
        for (const c of conns) c.wake();
        continue;
      }
      // A page that may change scopes goes through each pump (reload, `scopeChange` first).
      const direct = page.toVersion > from && !touchesScope(page.rows);
      for (const c of conns) {
        if (direct && c.ready() && c.sent === from) c.deliver(page);
        c.wake();
      }
    }
  };
  const unsubscribe = deps.bus.subscribe((msg) => void fanOut(msg.workspaceId, msg.version, msg.rows));

  /* Heartbeat: one sweep over every connection each `heartbeatMs`. */
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweepDue = 0;
  let sweeping = false;
  let stopped = false;
  const scheduleSweep = () => {
    if (stopped || sweeping) return;
    const due = Date.now() + gatewayLimits.heartbeatMs;
    if (sweepTimer && sweepDue <= due) return;
    clearTimeout(sweepTimer);
    sweepDue = due;
    sweepTimer = setTimeout(() => void runSweep(), gatewayLimits.heartbeatMs);
    sweepTimer.unref();
  };
  const runSweep = async () => {
    sweepTimer = undefined;
    sweeping = true;
    try {
      await sweep();
    } catch (err) {
      deps.log.warn({ err }, 'sync heartbeat check failed');
    } finally {
      sweeping = false;
      if (byWorkspace.size) scheduleSweep();
    }
  };
  const sweep = async () => {
    const now = Date.now();
    const ping = Buffer.from(JSON.stringify({ type: 'ping', t: now }));
    const live: Connection[] = [];
    for (const set of byWorkspace.values()) for (const c of set) if (c.beat(now, ping)) live.push(c);
    if (!live.length) return;
    const refs = new Map<string, CredentialRef>();
    for (const c of live) if (c.cred) refs.set(credentialKey(c.cred), c.cred);
    const verdicts = await deps.recheckCredentials([...refs.values()]);
    for (const c of live) {
      const verdict = c.cred ? verdicts.get(credentialKey(c.cred)) : 'unauthenticated';
      if (verdict === 'unauthenticated') c.fail('unauthenticated', 'reauth', 'Your session ended or your token was revoked: sign in again', CLOSE.unauthenticated);
      else if (verdict === 'forbidden') c.fail('forbidden', 'none', 'This workspace no longer admits your sign-in method', CLOSE.forbidden);
    }
    teamSets = new Map();
    for (const [workspaceId, set] of [...byWorkspace]) {
      if (!set.size) continue;
      const seq = ++scopeSeq;
      const conns = [...set];
      const scopes = await loadScopes(deps.database.db, workspaceId, conns.map((c) => c.userId));
      for (const c of conns) c.offerScope(scopes.get(c.userId) ?? null, seq).catch(() => {});
      const head = await headVersion(deps.database.db, workspaceId);
      if (head !== null) await fanOut(workspaceId, head);
    }
  };

  class Connection {
    scope: SyncScope | null = null;
    /** The credential to re-check at each heartbeat (set by `hello`). */
    cred: CredentialRef | null = null;
    /** Last version sent to the client. */
    sent = 0;
    /** The client takes issue updates as patches (hello `patches`). */
    patches = false;
    /** Large frames are compressed for this client (hello `compression: 'deflate-raw'`). */
    deflate = false;
    private wanted = 0;
    private pumping = false;
    private caughtUp = false;
    private closed = false;
    private helloSeen = false;
    private lastSeen = Date.now();
    private helloTimer: NodeJS.Timeout | undefined;
    private scopeChain: Promise<unknown> = Promise.resolve();
    /** `scopeSeq` of the load that produced `scope`. */
    private scopeLoad = 0;

    constructor(
      private readonly ws: WebSocket,
      private upgrade: UpgradeInfo | undefined,
    ) {
      all.add(this);
      ws.on('message', (raw, isBinary) => this.onFrame(raw as Buffer, isBinary));
      ws.on('close', () => this.dispose());
      ws.on('error', (err) => {
        deps.log.debug({ err }, 'sync socket error');
        ws.terminate();
        this.dispose();
      });
      this.helloTimer = setTimeout(() => {
        if (!this.scope) this.fail('hello_timeout', 'none', 'No hello frame received in time', CLOSE.protocol);
      }, gatewayLimits.helloTimeoutMs);
    }

    /** The user of this connection (after `welcome`). */
    get userId(): string {
      return (this.scope as SyncScope).userId;
    }

    /** Records that the workspace reached `version`. @returns whether this connection lags it */
    want(version: number): boolean {
      if (version > this.wanted) this.wanted = version;
      return this.wanted > this.sent;
    }

    /** Whether a page may be written now without the pump: caught up, idle, drained. */
    ready(): boolean {
      return !this.closed && !this.pumping && this.caughtUp && this.scope !== null && this.ws.bufferedAmount <= gatewayLimits.maxQueuedBytes / 4;
    }

    /**
     * Writes a page read for `sent` (see `fanOut`; the caller checked `ready()`), unless its
     * frame is still being compressed (the pump then sends it).
     */
    deliver(page: LogPage): void {
      const frame = opsFrame(page, this.scope as SyncScope, this.deflate);
      if (frame instanceof Promise) return;
      if (this.send(frame)) this.sent = page.toVersion;
    }

    /** Pumps if something is still wanted. */
    wake(): void {
      if (this.wanted > this.sent || !this.caughtUp) void this.pump();
    }

    /**
     * Heartbeat: drops a silent connection, else sends `ping` (shared bytes).
     * @returns whether the connection is still open and past `welcome`
     */
    beat(now: number, ping: Buffer): boolean {
      if (this.closed || !this.scope) return false;
      if (now - this.lastSeen > gatewayLimits.idleTimeoutMs) {
        this.ws.terminate();
        this.dispose();
        return false;
      }
      return this.send(ping);
    }

    /** A scope the heartbeat loaded for this connection's user (null: no longer a member). */
    offerScope(scope: SyncScope | null, seq: number): Promise<boolean> {
      return this.refreshScope(this.sent, { scope, seq });
    }

    private send(msg: ServerMessage | Buffer | Frame): boolean {
      if (this.closed) return false;
      if (Buffer.isBuffer(msg)) this.ws.send(msg, TEXT);
      else if ('binary' in msg) this.ws.send(msg.data, msg.binary ? BINARY : TEXT);
      else this.ws.send(JSON.stringify(msg));
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

    /** Says why, then closes. */
    fail(code: string, retry: 'backoff' | 'reauth' | 'none', detail: string, closeCode: number) {
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
      clearTimeout(this.helloTimer);
      all.delete(this);
      if (this.scope) {
        const set = byWorkspace.get(this.scope.workspaceId);
        set?.delete(this);
        if (set && !set.size) byWorkspace.delete(this.scope.workspaceId);
      }
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
        if (this.helloSeen) {
          this.fail('bad_frame', 'none', 'hello may be sent only once', CLOSE.protocol);
          return;
        }
        this.helloSeen = true;
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
      const { protocol, clientId, baseVersion, token, workspace, patches, compression } = hello;
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
      if ((patches !== undefined && typeof patches !== 'boolean') || (compression !== undefined && typeof compression !== 'string')) {
        this.fail('bad_frame', 'none', 'patches must be a boolean and compression a string', CLOSE.protocol);
        return;
      }
      const credentials =
        token !== undefined
          ? { bearer: token }
          : { sessionToken: this.upgrade?.sessionToken, workspace: typeof workspace === 'string' ? workspace : undefined };
      // The cookie's value is needed only once.
      this.upgrade = undefined;
      const cred = await this.authenticate(credentials);
      if (!cred) return;
      const db = deps.database.db;
      const seq = ++scopeSeq;
      const loaded = await loadScope(db, cred.userId, cred.workspaceId);
      if (!loaded) {
        this.fail('forbidden', 'none', 'You are not a member of this workspace', CLOSE.forbidden);
        return;
      }
      const scope = intern(loaded);
      const head = await headVersion(db, scope.workspaceId);
      if (head === null) {
        this.fail('forbidden', 'none', 'The workspace no longer exists', CLOSE.forbidden);
        return;
      }
      if (this.closed) return;
      const floor = await retentionFloor(db, scope.workspaceId, head);
      if (baseVersion > head || baseVersion < floor) {
        this.reset('too_far_behind');
        return;
      }
      if (this.closed) return;
      clearTimeout(this.helloTimer);
      this.helloTimer = undefined;
      this.cred = cred.ref;
      this.scope = scope;
      this.scopeLoad = seq;
      this.sent = baseVersion;
      this.wanted = head;
      this.patches = patches === true;
      // An unknown compression is not an error: the client gets text frames, as `welcome` says.
      const granted: FrameCompression | null = compression === 'deflate-raw' ? 'deflate-raw' : null;
      this.deflate = granted !== null;
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
        patches: this.patches,
        compression: granted,
      });
      scheduleSweep();
      await this.pump();
    }

    /**
     * Resolves the hello's credentials; on failure says why and closes.
     * @returns the user, workspace and the credential's reference for later re-checks
     */
    private async authenticate(c: {
      bearer?: string;
      sessionToken?: string;
      workspace?: string;
    }): Promise<{ userId: string; workspaceId: string; ref: CredentialRef } | null> {
      let actor: Awaited<ReturnType<GatewayDeps['resolveCredentials']>> = null;
      try {
        actor = await deps.resolveCredentials(c);
      } catch (err) {
        const status = (err as { status?: number }).status;
        if (status === 404 || status === 403) {
          const detail = status === 404 ? 'You are not a member of this workspace' : (err as Error).message;
          this.fail('forbidden', 'none', detail, CLOSE.forbidden);
          return null;
        }
        if (status !== 401) throw err;
      }
      if (!actor) {
        this.fail('unauthenticated', 'reauth', 'Sign in, or send a valid token in hello', CLOSE.unauthenticated);
        return null;
      }
      const workspaceId = actor.workspaceId;
      if (!workspaceId) {
        this.fail('forbidden', 'none', 'Create or join a workspace first', CLOSE.forbidden);
        return null;
      }
      let ref: CredentialRef | null = null;
      if (actor.via === 'session' && actor.sessionId) ref = { via: 'session', id: actor.sessionId, workspaceId };
      else if (actor.via === 'pat' && actor.tokenId) ref = { via: 'pat', id: actor.tokenId };
      else if (actor.via === 'oauth' && actor.oauthTokenId) ref = { via: 'oauth', id: actor.oauthTokenId };
      if (!ref) throw new Error(`credentials of kind ${actor.via} carry no id to re-check`);
      return { userId: actor.userId, workspaceId, ref };
    }

    /**
     * Reloads the scope (or takes one the heartbeat loaded); announces gained or lost teams.
     * Calls run one after another (the pump and the heartbeat may both ask), so one change is
     * announced once, and a scope loaded before the current one is ignored.
     * @returns false when the socket closed
     */
    private refreshScope(version: number, given?: { scope: SyncScope | null; seq: number }): Promise<boolean> {
      const run = this.scopeChain.then(() => this.reloadScope(version, given));
      this.scopeChain = run.catch(() => false);
      return run;
    }

    private async reloadScope(version: number, given?: { scope: SyncScope | null; seq: number }): Promise<boolean> {
      if (this.closed) return false;
      const before = this.scope as SyncScope;
      let after: SyncScope | null;
      let seq: number;
      if (given) {
        ({ scope: after, seq } = given);
      } else {
        seq = ++scopeSeq;
        after = await loadScope(deps.database.db, before.userId, before.workspaceId);
      }
      if (this.closed) return false;
      if (seq < this.scopeLoad) return true;
      this.scopeLoad = seq;
      if (!after) {
        this.fail('forbidden', 'none', 'You are no longer a member of this workspace', CLOSE.forbidden);
        return false;
      }
      const { added, removed } = diffScopes(before, after);
      this.scope = intern(after);
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
          const workspaceId = this.scope.workspaceId;
          const page = await readPage(workspaceId, this.sent, this.patches, this.wanted, true);
          if (this.closed) return;
          // Read and encode the next page while this one is encoded and sent (kept in `recent`).
          if (page.more) {
            const { scope, deflate } = this;
            readPage(workspaceId, page.toVersion, this.patches, this.wanted, true)
              .then((next) => opsFrame(next, scope, deflate))
              .catch(() => {});
          }
          if (page.toVersion > this.sent) {
            if (touchesScope(page.rows) && !(await this.refreshScope(page.toVersion))) return;
            if (page.fromVersion !== this.sent) continue;
            const frame = await opsFrame(page, this.scope, this.deflate);
            if (this.closed || page.fromVersion !== this.sent) continue;
            if (!this.send(frame)) return;
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
    /** Takes over an upgraded socket (hand it over with {@link releaseUpgrade} first). */
    accept(ws: WebSocket, upgrade: UpgradeInfo) {
      new Connection(ws, upgrade);
    },
    /** Number of open connections (for metrics and tests). */
    get size() {
      return all.size;
    },
    /** Stops listening to the bus and the heartbeat (sockets are closed by the WebSocket plugin). */
    close() {
      stopped = true;
      clearTimeout(sweepTimer);
      unsubscribe();
    },
  };
}

/** The gateway's type. */
export type Gateway = ReturnType<typeof createGateway>;
