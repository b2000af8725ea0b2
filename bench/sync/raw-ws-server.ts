/**
 * The fan-out floor of perf-baseline.md §2.6: a bare `ws` server that sends every message of the
 * publisher (a client on `/pub`) to every subscriber (clients on `/sub`), as the same string (a
 * binary message as the same bytes, binary), with no parsing, storage or authentication. With `REDIS_URL` each message goes through Redis
 * pub/sub (channel `bench:raw-fanout`), so two such processes show the floor of the two-process
 * topology. `GET /ready` answers 200 once listening (and subscribed). IPC `{type: 'mem', id}` →
 * memory after GC, as bench/sync/api-entry.ts. Benchmark code only.
 */
import http from 'node:http';
import { Redis } from 'ioredis';
import { type WebSocket, WebSocketServer } from 'ws';
import { memorySnapshot } from './lib/memory.ts';

const CHANNEL = 'bench:raw-fanout';
const port = Number(process.env.PORT);
const redisUrl = process.env.REDIS_URL || undefined;
const subscribers = new Set<WebSocket>();

function broadcast(data: string | Buffer) {
  for (const s of subscribers) s.send(data);
}

let pub: Redis | undefined;
let sub: Redis | undefined;
if (redisUrl) {
  pub = new Redis(redisUrl);
  sub = new Redis(redisUrl);
  sub.on('message', (_c, msg) => broadcast(msg));
  await sub.subscribe(CHANNEL);
}

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/ready' ? 200 : 404).end();
});
const wss = new WebSocketServer({ server });
wss.on('connection', (ws, req) => {
  if (req.url === '/pub') {
    ws.on('message', (raw, isBinary) => {
      // Binary messages (compressed frames, B8's storm floor) only without Redis.
      if (isBinary && !pub) return broadcast(raw as Buffer);
      const data = raw.toString();
      if (pub) void pub.publish(CHANNEL, data);
      else broadcast(data);
    });
    return;
  }
  subscribers.add(ws);
  ws.on('close', () => subscribers.delete(ws));
  ws.on('error', () => subscribers.delete(ws));
});

process.on('message', (msg: { type?: string; id?: number }) => {
  if (msg?.type === 'mem') process.send?.({ type: 'mem', id: msg.id, ...memorySnapshot(), subscribers: subscribers.size });
});
const stop = () => {
  for (const c of wss.clients) c.terminate();
  wss.close();
  server.close();
  sub?.disconnect();
  pub?.disconnect();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
server.listen(port, '127.0.0.1');
