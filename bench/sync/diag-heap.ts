/**
 * Diagnostic (not a benchmark gate): heap snapshots of the API with 0 and `n` idle authenticated
 * connections, and the object types whose count or size grew, per connection. Usage:
 *   node --import tsx bench/sync/diag-heap.ts [n]
 */
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { log, sleep } from '../lib/util.ts';
import { headVersion } from './b7.ts';
import { closeAll, connectSyncClients } from './lib/clients.ts';
import { prepareSyncDb } from './lib/fixture.ts';
import { startApi } from './lib/procs.ts';

/** Self size and count per node name (constructor or string kind) of a heap snapshot file. */
function histogram(file: string): Map<string, { count: number; size: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8'));
  const f = snap.snapshot.meta.node_fields as string[];
  const types = snap.snapshot.meta.node_types[0] as string[];
  const [ti, ni, si] = [f.indexOf('type'), f.indexOf('name'), f.indexOf('self_size')];
  const nodes = snap.nodes as number[];
  const strings = snap.strings as string[];
  const out = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < nodes.length; i += f.length) {
    const type = types[nodes[i + ti]!]!;
    const name = type === 'object' || type === 'closure' ? `${type}:${strings[nodes[i + ni]!]}` : type;
    const e = out.get(name) ?? { count: 0, size: 0 };
    e.count++;
    e.size += nodes[i + si]!;
    out.set(name, e);
  }
  return out;
}

const n = Number(process.argv[2] ?? 1000);
const db = await prepareSyncDb('postgres', 1000, n + 10);
const api = await startApi(db.api);
const snap = (p: string) =>
  new Promise<string>((resolve) => {
    api.child.once('message', (m: { path: string }) => resolve(m.path));
    api.child.send({ type: 'snapshot', id: 1, path: p });
  });
try {
  const head = await headVersion(api.url, db.fixture.token);
  await closeAll(await connectSyncClients([api.url], db.clientTokens.slice(0, 10), head.version));
  await sleep(1000);
  await api.memory();
  const a = await snap(path.join(os.tmpdir(), 'b12-before.heapsnapshot'));
  const clients = await connectSyncClients([api.url], db.clientTokens.slice(0, n), head.version);
  await sleep(2000);
  await api.memory();
  const b = await snap(path.join(os.tmpdir(), 'b12-after.heapsnapshot'));
  await closeAll(clients);
  const ha = histogram(a);
  const hb = histogram(b);
  const rows = [...hb].map(([k, v]) => ({ k, dc: v.count - (ha.get(k)?.count ?? 0), ds: v.size - (ha.get(k)?.size ?? 0) })).sort((x, y) => y.ds - x.ds);
  let total = 0;
  for (const r of rows) total += r.ds;
  console.log(`total growth ${(total / n).toFixed(0)} B per connection`);
  for (const r of rows.slice(0, 40)) console.log(`${(r.ds / n).toFixed(0).padStart(6)} B/conn  ${(r.dc / n).toFixed(2).padStart(6)} per conn  ${r.k}`);
  rmSync(a);
  rmSync(b);
} finally {
  await api.stop();
  await db.destroy();
  log('done');
}
