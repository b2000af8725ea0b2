/**
 * Security headers on every response (API, web app, errors and 404s alike), set by @fastify/helmet
 * in `onRequest`, before authentication can fail.
 *
 * Content-Security-Policy (strict, no inline script, no eval): `default-src 'self'`,
 * `script-src 'self'`, `script-src-attr 'none'`, `style-src 'self'`, `img-src 'self' https: data:`,
 * `connect-src 'self'` plus the app's own WebSocket origin, `font-src 'self'`,
 * `frame-ancestors 'none'`, `object-src 'none'`, `base-uri 'self'`, `form-action 'self'`, and in
 * production `upgrade-insecure-requests`. `style-src` has no `'unsafe-inline'`: React sets styles
 * through the CSSOM (not blocked by CSP); libraries that inject `<style>` elements must be
 * configured not to (TipTap `injectCSS: false`).
 *
 * Also: HSTS (1 year, subdomains) only in production, `X-Content-Type-Options: nosniff`,
 * `Referrer-Policy: strict-origin-when-cross-origin`, `X-Frame-Options: DENY`,
 * `Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=()`, and helmet's
 * cross-origin isolation defaults (COOP and CORP `same-origin`).
 * Sources: OWASP ASVS 5.0 3.4.1 (HSTS ≥ 1 year), 3.4.3 (CSP with `object-src 'none'`),
 * 3.4.4 (nosniff), 3.4.6 (frame-ancestors); the OWASP CSP cheat sheet.
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';

/** `Permissions-Policy` value: powerful features the app never uses are disabled for every frame. */
export const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=()';

/** HSTS lifetime in seconds (one year, ASVS 5.0 3.4.1). */
export const HSTS_MAX_AGE = 365 * 24 * 60 * 60;

/**
 * The CSP directives for `appUrl` (an origin such as `https://tracker.example.com`).
 * @returns helmet directive map; the WebSocket origin is `wss://` for https apps, `ws://` otherwise
 */
export function cspDirectives(appUrl: string, production: boolean): Record<string, string[]> {
  const u = new URL(appUrl);
  const socketOrigin = `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}`;
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'https:', 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", socketOrigin],
    'frame-ancestors': ["'none'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
  };
  if (production) directives['upgrade-insecure-requests'] = [];
  return directives;
}

/** Options of the security-headers plugin. */
export interface SecurityHeadersOptions {
  config: Config;
}

export default fp<SecurityHeadersOptions>(
  async (app: FastifyInstance, { config }) => {
    const production = config.mode === 'production';
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(config.appUrl, production) },
      strictTransportSecurity: production ? { maxAge: HSTS_MAX_AGE, includeSubDomains: true } : false,
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      xFrameOptions: { action: 'deny' },
      crossOriginEmbedderPolicy: false,
    });
    app.addHook('onRequest', async (_req, reply) => {
      reply.header('Permissions-Policy', PERMISSIONS_POLICY);
    });
  },
  { name: 'security-headers' },
);
