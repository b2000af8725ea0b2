/**
 * Security headers on every response (API, web app, errors and 404s alike), set in `onRequest`,
 * before authentication can fail. Their values are helmet's for the options below, computed once
 * at start (they depend on nothing in the request): running helmet per request, as
 * @fastify/helmet does, rebuilt every header, the CSP included, at 50–100 µs a request.
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
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';
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

/** The helmet options of this app. */
export function helmetOptions(config: Pick<Config, 'appUrl' | 'mode'>): HelmetOptions {
  const production = config.mode === 'production';
  return {
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(config.appUrl, production) },
    strictTransportSecurity: production ? { maxAge: HSTS_MAX_AGE, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    xFrameOptions: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  };
}

/**
 * The headers helmet sets for `options` (and those it removes), from one run of its middleware
 * against a response that records them.
 * @throws Error when helmet refuses the options (as it would on the first request)
 */
export function helmetHeaders(options: HelmetOptions): { set: Array<[string, string]>; removed: string[] } {
  const set = new Map<string, string>();
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.set(name, Array.isArray(value) ? value.join(', ') : String(value));
    },
    removeHeader(name: string) {
      set.delete(name);
      removed.push(name);
    },
  };
  let error: unknown;
  helmet(options)({} as never, recorder as never, (err?: unknown) => {
    error = err;
  });
  if (error) throw error;
  set.set('Permissions-Policy', PERMISSIONS_POLICY);
  return { set: [...set], removed };
}

export default fp<SecurityHeadersOptions>(
  async (app: FastifyInstance, { config }) => {
    const { set, removed } = helmetHeaders(helmetOptions(config));
    // On the raw response, as helmet sets them: kept on error answers and 404s too.
    app.addHook('onRequest', (_req, reply, done) => {
      const res = reply.raw;
      for (const [name, value] of set) res.setHeader(name, value);
      for (const name of removed) res.removeHeader(name);
      done();
    });
  },
  { name: 'security-headers' },
);
