/**
 * Serves the built web app (apps/web/dist) from the same origin as the API:
 * - `/assets/*`: Vite's content-hashed files, cached for a year as `immutable`;
 * - other files at the top of dist (favicon.svg, robots.txt): cached for an hour;
 * - `/`, and any other GET/HEAD that accepts `text/html` and is not under `/api`: `index.html` (the
 *   single-page app routes on the client), revalidated on every load (`no-cache`) so a new
 *   deploy is picked up at once;
 * - everything else (including unknown `/api/…` paths): the usual 404 problem document.
 * Files are sent by @fastify/static (the `send` library), which confines paths to the root and
 * refuses dot-files and `..` traversal. All routes are `auth: 'public'`: the app's shell holds no
 * data; the API calls it makes are authenticated.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';

/** Absolute path of the web app's build output (`apps/web/dist`). */
export const WEB_DIST = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Cache lifetime of hashed assets: one year, in milliseconds (RFC 8246 `immutable`). */
const ASSET_MAX_AGE_MS = 365 * 24 * 60 * 60 * 1000;
/** Cache lifetime of other top-level files, in milliseconds. */
const FILE_MAX_AGE_MS = 60 * 60 * 1000;

/** Options of {@link webPlugin}. */
export interface WebPluginOptions {
  /** Directory holding index.html and assets/. */
  root: string;
}

function acceptsHtml(req: FastifyRequest): boolean {
  const accept = req.headers.accept;
  return typeof accept === 'string' && /\btext\/html\b/i.test(accept);
}

function isTopLevelFile(root: string, name: string): boolean {
  if (!name || name.includes('/') || name.includes('\\') || name.startsWith('.') || name === 'index.html') return false;
  try {
    return statSync(path.join(root, name)).isFile();
  } catch {
    return false;
  }
}

/** Registers the web app's routes on `app` (an encapsulated plugin). */
export async function webPlugin(app: FastifyInstance, { root }: WebPluginOptions): Promise<void> {
  await app.register(fastifyStatic, { root, serve: false, decorateReply: true, index: false });

  const sendIndex = (reply: FastifyReply) =>
    reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html', { cacheControl: false });

  app.get(
    '/assets/*',
    { schema: { hide: true }, config: { auth: 'public' } },
    async (req, reply) => {
      const file = (req.params as { '*': string })['*'];
      return reply.sendFile(`assets/${file}`, { maxAge: ASSET_MAX_AGE_MS, immutable: true });
    },
  );

  app.get('/*', { schema: { hide: true }, config: { auth: 'public' } }, async (req, reply) => {
    const rest = (req.params as { '*': string })['*'] ?? '';
    if (rest === 'api' || rest.startsWith('api/')) return reply.callNotFound();
    if (isTopLevelFile(root, rest)) return reply.sendFile(rest, { maxAge: FILE_MAX_AGE_MS });
    // The root is the app whatever the client accepts (`curl localhost:7015` shows the page).
    if (rest !== '' && !acceptsHtml(req)) return reply.callNotFound();
    return sendIndex(reply);
  });
}

/**
 * Serves the web app when its build exists (not in test mode, where the route table must not
 * depend on whether the web app happens to be built).
 * @returns whether the web app is served
 */
export async function registerWebApp(app: FastifyInstance, config: Pick<Config, 'mode'>, root = WEB_DIST): Promise<boolean> {
  if (config.mode === 'test' || !existsSync(path.join(root, 'index.html'))) return false;
  await app.register(webPlugin, { root });
  return true;
}
