/**
 * The web app plugin: hashed assets cached as immutable, index.html for client routes that accept
 * HTML, 404 problem documents for /api and non-HTML misses, no path traversal, public routes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import authPlugin from '../src/plugins/auth.ts';
import errorsPlugin from '../src/plugins/errors.ts';
import { registerWebApp } from '../src/plugins/web.ts';
import { createTestApp, type TestApp } from './helpers.ts';

let t: TestApp;
let app: FastifyInstance;
let root: string;
let outside: string;

beforeAll(async () => {
  t = await createTestApp();
  const base = mkdtempSync(path.join(tmpdir(), 'exp-web-'));
  root = path.join(base, 'dist');
  outside = path.join(base, 'secret.txt');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>app</title><div id="root"></div>');
  writeFileSync(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(root, '.env'), 'SECRET=1');
  writeFileSync(outside, 'top secret');
  app = Fastify();
  await app.register(errorsPlugin);
  await app.register(authPlugin, { db: t.database.db, config: t.config, clock: t.clock });
  expect(await registerWebApp(app, { mode: 'local' }, root)).toBe(true);
  app.get('/api/v1/ping', { config: { auth: 'public' } }, async () => ({ ok: true }));
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await t?.close();
  if (root) rmSync(path.dirname(root), { recursive: true, force: true });
});

const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('web app plugin', () => {
  it('is not registered in test mode or without a build', async () => {
    const a = Fastify();
    expect(await registerWebApp(a, { mode: 'test' }, root)).toBe(false);
    expect(await registerWebApp(a, { mode: 'local' }, path.join(root, 'missing'))).toBe(false);
    await a.close();
  });

  it('declares every route public', () => {
    const web = app.routeManifest.filter((r) => r.url === '/*' || r.url === '/assets/*');
    expect(web.map((r) => `${r.method} ${r.url} ${r.auth}`).sort()).toEqual(['GET /* public', 'GET /assets/* public']);
  });

  it('serves index.html for client routes that accept HTML, revalidated on every load', async () => {
    for (const url of ['/', '/acme/team/ENG/all', '/acme/issue/ENG-1', '/login?next=%2Facme']) {
      const res = await app.inject({ method: 'GET', url, headers: html });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root">');
    }
  });

  it('serves hashed assets with a one-year immutable cache', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.body).toBe('console.log(1)');
  });

  it('serves top-level files with a short cache', async () => {
    const res = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('answers 404 problem documents for unknown API paths, missing assets and non-HTML requests', async () => {
    const api = await app.inject({ method: 'GET', url: '/api/v1/nope', headers: html });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(api.json()).toMatchObject({ code: 'not_found', detail: 'No route GET /api/v1/nope' });
    expect((await app.inject({ method: 'GET', url: '/assets/missing-1.js' })).statusCode).toBe(404);
    const json = await app.inject({ method: 'GET', url: '/acme/team', headers: { accept: 'application/json' } });
    expect(json.statusCode).toBe(404);
    expect(json.json().code).toBe('not_found');
    // The root is the page for any client (curl sends `*/*`, or nothing).
    for (const headers of [{ accept: '*/*' }, {}]) {
      const root = await app.inject({ method: 'GET', url: '/', headers });
      expect(root.statusCode).toBe(200);
      expect(root.headers['content-type']).toMatch(/text\/html/);
    }
    // Explicit API routes still win over the catch-all.
    expect((await app.inject({ method: 'GET', url: '/api/v1/ping', headers: html })).json()).toEqual({ ok: true });
  });

  it('never serves dot-files or files outside the build', async () => {
    for (const url of ['/.env', '/assets/..%2F..%2Fsecret.txt', '/assets/../../secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.body, url).not.toContain('top secret');
      expect(res.body, url).not.toContain('SECRET=1');
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
    }
  });
});
