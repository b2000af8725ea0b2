/**
 * Dropping issues into the same gap again and again lengthens ranks; past MAX_RANK_LENGTH the
 * team's ranks are respaced. The manual order stays exactly the intended one, ranks stay short and
 * unique, and the respaced issues reach the op log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rankBetween } from '../src/lib/rank.ts';
import { MAX_RANK_LENGTH } from '../src/modules/issues/issues.position.ts';
import { api, createTestApp, createWorkspace, signIn, type SignedIn, type TestApp } from './helpers.ts';

let t: TestApp;
let owner: SignedIn;
let teamId: string;
beforeAll(async () => {
  t = await createTestApp();
  owner = await signIn(t, 'respace@example.com');
  teamId = (await createWorkspace(t, owner, 'Respace', 'RSP')).team.id;
});
afterAll(async () => t?.close());

async function manualOrder(): Promise<Array<{ id: string; sortOrder: string }>> {
  const out: Array<{ id: string; sortOrder: string }> = [];
  let cursor: string | null = null;
  do {
    const res = await api(t.app, 'GET', `/api/v1/issues?teamId=${teamId}&orderBy=manual&limit=100${cursor ? `&cursor=${cursor}` : ''}`, { as: owner });
    expect(res.status).toBe(200);
    out.push(...res.body.data.map((i: { id: string; sortOrder: string }) => ({ id: i.id, sortOrder: i.sortOrder })));
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}

describe('rank respacing', () => {
  it('would outgrow the limit without respacing (so the test exercises it)', () => {
    let upper: string | null = rankBetween('a0', null);
    let longest = 0;
    for (let i = 0; i < 160; i++) {
      upper = rankBetween('a0', upper);
      longest = Math.max(longest, upper.length);
    }
    expect(longest).toBeGreaterThan(MAX_RANK_LENGTH);
  });

  it('keeps the intended order with short, unique ranks after 160 drops into one gap', async () => {
    const a = (await api(t.app, 'POST', '/api/v1/issues', { as: owner, body: { teamId, title: 'A' } })).body.id as string;
    const b = (await api(t.app, 'POST', '/api/v1/issues', { as: owner, body: { teamId, title: 'B', afterId: a } })).body.id as string;
    const expected = [a, b];
    let longest = 0;
    for (let i = 0; i < 160; i++) {
      const res = await api(t.app, 'POST', '/api/v1/issues', { as: owner, body: { teamId, title: `Drop ${i}`, afterId: a } });
      expect(res.status).toBe(201);
      longest = Math.max(longest, res.body.sortOrder.length);
      expected.splice(1, 0, res.body.id);
    }
    const order = await manualOrder();
    expect(order.map((o) => o.id)).toEqual(expected);
    expect(new Set(order.map((o) => o.sortOrder)).size).toBe(order.length);
    expect(longest).toBeLessThanOrEqual(MAX_RANK_LENGTH);
    expect(Math.max(...order.map((o) => o.sortOrder.length))).toBeLessThanOrEqual(MAX_RANK_LENGTH);
  }, 120_000);
});
