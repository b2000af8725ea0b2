/**
 * Server configuration: the environment validated against one schema at start.
 *
 * Local mode (the default) needs nothing: data in `./.exponential`, secrets generated on first
 * start and kept there with 0600 permissions. Production mode (`NODE_ENV=production`) refuses to
 * start and names every missing or unsafe setting.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isTrustedProxyEntry } from './lib/client-ip.ts';
import { randomToken } from './lib/crypto.ts';

/** Validated configuration the server runs with. */
export interface Config {
  mode: 'local' | 'production' | 'test';
  host: string;
  port: number;
  /** Public origin of the web app and API, e.g. `https://tracker.example.com` (no trailing slash). */
  appUrl: string;
  /** Origins allowed to send cookie-authenticated unsafe requests (appUrl's origin included). */
  allowedOrigins: string[];
  /** CIDRs or addresses whose `X-Forwarded-For` is believed. */
  trustedProxies: string[];
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  /** Signs cursors and state cookies; at least 32 bytes. */
  sessionSecret: string;
  /** The previous secret, still accepted for what it signed (rotation without downtime). */
  sessionSecretPrevious?: string;
  /** Absolute session lifetime in seconds. */
  sessionTtlSeconds: number;
  /** Idle session lifetime in seconds. */
  sessionIdleSeconds: number;
  metricsToken?: string;
  smtpUrl?: string;
  mailFrom: string;
  logLevel: string;
  /** Maximum request body in bytes. */
  bodyLimit: number;
  /** OpenID Connect sign-in providers (Google and/or any OIDC issuer), empty when none is configured. */
  oidcProviders: OidcProviderConfig[];
  /** Requests per minute one signed-in user or one token may make to authenticated routes. */
  rateLimitPerMinute: number;
  /** Requests per minute one client address may make to public `/api/v1` routes without a limit of their own. */
  publicRateLimitPerMinute: number;
  /** Sign-in requests (magic-link request and verification) one client address may make per 15 minutes. */
  signInRateLimit: number;
}

/** One OpenID Connect provider used for sign-in. */
export interface OidcProviderConfig {
  /** `google` or `oidc` (a generic issuer); also the auth method name in workspace policies. */
  id: 'google' | 'oidc';
  /** Label on the sign-in button. */
  name: string;
  /** Issuer URL; discovery reads `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** Reads the Google and generic OIDC provider settings; names what is incomplete. */
function oidcProviders(env: NodeJS.ProcessEnv, mode: string, problems: string[]): OidcProviderConfig[] {
  const out: OidcProviderConfig[] = [];
  const g = [env.EXPONENTIAL_GOOGLE_CLIENT_ID, env.EXPONENTIAL_GOOGLE_CLIENT_SECRET];
  if (g.some(Boolean)) {
    if (!g.every(Boolean)) problems.push('Google sign-in needs both EXPONENTIAL_GOOGLE_CLIENT_ID and EXPONENTIAL_GOOGLE_CLIENT_SECRET');
    else out.push({ id: 'google', name: 'Google', issuer: 'https://accounts.google.com', clientId: g[0] as string, clientSecret: g[1] as string });
  }
  const o = [env.EXPONENTIAL_OIDC_ISSUER, env.EXPONENTIAL_OIDC_CLIENT_ID, env.EXPONENTIAL_OIDC_CLIENT_SECRET];
  if (o.some(Boolean)) {
    if (!o.every(Boolean)) {
      problems.push('OIDC sign-in needs EXPONENTIAL_OIDC_ISSUER, EXPONENTIAL_OIDC_CLIENT_ID and EXPONENTIAL_OIDC_CLIENT_SECRET');
    } else if (mode === 'production' && !String(o[0]).startsWith('https://')) {
      problems.push('EXPONENTIAL_OIDC_ISSUER must use https in production');
    } else {
      out.push({ id: 'oidc', name: env.EXPONENTIAL_OIDC_NAME || 'Single sign-on', issuer: o[0] as string, clientId: o[1] as string, clientSecret: o[2] as string });
    }
  }
  return out;
}

/** Raised when the environment is invalid; `problems` names every bad or missing setting. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n- ${problems.join('\n- ')}`);
    this.name = 'ConfigError';
  }
}

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function int(env: NodeJS.ProcessEnv, name: string, dflt: number, problems: string[], min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    problems.push(`${name} must be an integer ≥ ${min} (got "${raw}")`);
    return dflt;
  }
  return n;
}

/** Loads or creates the local secrets file (`<dataDir>/secrets.json`, mode 0600). */
function localSecrets(dataDir: string): { sessionSecret: string } {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return JSON.parse(readFileSync(file, 'utf8'));
  }
  const secrets = { sessionSecret: randomToken() };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  return secrets;
}

/**
 * Builds the configuration from an environment.
 * @throws ConfigError listing every problem (production: missing DATABASE_URL, short secret, http app URL…)
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const mode: Config['mode'] =
    env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'local';
  const port = int(env, 'PORT', 7015, problems);
  const appUrlRaw = (env.EXPONENTIAL_APP_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  let appUrl = appUrlRaw;
  try {
    appUrl = new URL(appUrlRaw).origin;
  } catch {
    problems.push(`EXPONENTIAL_APP_URL must be an absolute URL (got "${appUrlRaw}")`);
  }
  const dataDir = path.resolve(env.EXPONENTIAL_DATA_DIR ?? '.exponential');
  const allowedOrigins = [appUrl, ...list(env.EXPONENTIAL_ALLOWED_ORIGINS)];
  for (const o of list(env.EXPONENTIAL_ALLOWED_ORIGINS)) {
    try {
      if (new URL(o).origin !== o) problems.push(`EXPONENTIAL_ALLOWED_ORIGINS entry "${o}" must be an origin (scheme://host[:port])`);
    } catch {
      problems.push(`EXPONENTIAL_ALLOWED_ORIGINS entry "${o}" is not a URL`);
    }
  }
  let sessionSecret = env.EXPONENTIAL_SESSION_SECRET;
  if (mode === 'production') {
    if (!env.DATABASE_URL) problems.push('DATABASE_URL is required in production (PostgreSQL 15+)');
    if (!sessionSecret) problems.push('EXPONENTIAL_SESSION_SECRET is required in production');
    if (!env.EXPONENTIAL_APP_URL) problems.push('EXPONENTIAL_APP_URL is required in production');
    else if (!appUrl.startsWith('https://')) problems.push('EXPONENTIAL_APP_URL must use https in production');
  } else if (!sessionSecret) {
    sessionSecret = mode === 'test' ? randomToken() : localSecrets(dataDir).sessionSecret;
  }
  if (sessionSecret && Buffer.byteLength(sessionSecret) < 32) {
    problems.push('EXPONENTIAL_SESSION_SECRET must be at least 32 bytes');
  }
  const prev = env.EXPONENTIAL_SESSION_SECRET_PREVIOUS;
  if (prev && Buffer.byteLength(prev) < 32) problems.push('EXPONENTIAL_SESSION_SECRET_PREVIOUS must be at least 32 bytes');
  if (env.DATABASE_URL && !/^postgres(ql)?:\/\//.test(env.DATABASE_URL)) {
    problems.push('DATABASE_URL must be a postgres:// URL');
  }
  if (env.REDIS_URL && !/^rediss?:\/\//.test(env.REDIS_URL)) problems.push('REDIS_URL must be a redis:// URL');
  for (const p of list(env.EXPONENTIAL_TRUSTED_PROXIES)) {
    if (!isTrustedProxyEntry(p)) problems.push(`EXPONENTIAL_TRUSTED_PROXIES entry "${p}" must be an IP address or CIDR`);
  }
  const metricsToken = env.EXPONENTIAL_METRICS_TOKEN || undefined;
  if (metricsToken && Buffer.byteLength(metricsToken) < 16) problems.push('EXPONENTIAL_METRICS_TOKEN must be at least 16 bytes');
  const config: Config = {
    mode,
    host: env.HOST ?? (mode === 'production' ? '0.0.0.0' : '127.0.0.1'),
    port,
    appUrl,
    allowedOrigins: [...new Set(allowedOrigins)],
    trustedProxies: list(env.EXPONENTIAL_TRUSTED_PROXIES),
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    sessionSecret: sessionSecret ?? '',
    sessionSecretPrevious: prev || undefined,
    sessionTtlSeconds: int(env, 'EXPONENTIAL_SESSION_TTL_SECONDS', 30 * 86400, problems, 60),
    sessionIdleSeconds: int(env, 'EXPONENTIAL_SESSION_IDLE_SECONDS', 14 * 86400, problems, 60),
    metricsToken,
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.EXPONENTIAL_MAIL_FROM ?? 'exponential <no-reply@localhost>',
    logLevel: env.LOG_LEVEL ?? (mode === 'test' ? 'silent' : 'info'),
    bodyLimit: int(env, 'EXPONENTIAL_BODY_LIMIT', 1024 * 1024, problems),
    oidcProviders: oidcProviders(env, mode, problems),
    // Tests share one client address and user across many requests: effectively unlimited there
    // unless a test sets a limit (the named route limits, e.g. magic links, still apply).
    rateLimitPerMinute: int(env, 'EXPONENTIAL_RATE_LIMIT_PER_MINUTE', mode === 'test' ? 1_000_000 : 600, problems),
    publicRateLimitPerMinute: int(env, 'EXPONENTIAL_PUBLIC_RATE_LIMIT_PER_MINUTE', mode === 'test' ? 1_000_000 : 60, problems),
    signInRateLimit: int(env, 'EXPONENTIAL_SIGN_IN_RATE_LIMIT', 20, problems),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}
