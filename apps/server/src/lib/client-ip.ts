/**
 * The client's network address, as every rate limit, audit event and session record sees it.
 *
 * Fastify's `trustProxy` is set from `EXPONENTIAL_TRUSTED_PROXIES` (app.ts): `req.ip` is the TCP
 * peer, unless that peer is a trusted proxy, in which case `X-Forwarded-For` is walked from the
 * right and the first address that is not a trusted proxy wins (@fastify/proxy-addr). With no
 * trusted proxy configured, `X-Forwarded-For` and `X-Real-IP` are ignored entirely, so a client
 * cannot choose its own address (ASVS 5.0 4.1.3: proxy-set headers must not be client-overridable).
 */
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';

/** Named ranges @fastify/proxy-addr understands in a trust list. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Whether `entry` is a valid item of EXPONENTIAL_TRUSTED_PROXIES: an IPv4/IPv6 address, a CIDR
 * (`10.0.0.0/8`, `fd00::/8`), an IPv4 netmask form (`10.0.0.0/255.0.0.0`) or one of the names
 * `loopback`, `linklocal`, `uniquelocal` (the forms @fastify/proxy-addr compiles).
 */
export function isTrustedProxyEntry(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const slash = entry.indexOf('/');
  const addr = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIP(addr);
  if (family === 0) return false;
  if (slash === -1) return true;
  const range = entry.slice(slash + 1);
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(range) === 4;
}

/**
 * Normalises an address for keys and records: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes the
 * IPv4 form and IPv6 is lower-cased, so one client never has two rate-limit buckets.
 */
export function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1] as string;
  return ip.toLowerCase();
}

/**
 * The address of the client that sent `req` (see the module comment for when proxies count).
 * @returns a normalised IPv4 or IPv6 address, or `unknown` when the socket has none
 */
export function clientIp(req: FastifyRequest): string {
  const ip = req.ip;
  return ip ? normalizeIp(ip) : 'unknown';
}
