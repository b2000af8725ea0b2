/**
 * Configuration: production refuses to start and names every missing or unsafe setting at once;
 * a complete production environment gives the documented defaults; local mode keeps a generated
 * secret in a 0600 file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const GOOD_PROD = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://exponential@db.internal:5432/exponential',
  EXPONENTIAL_SESSION_SECRET: 'k'.repeat(48),
  EXPONENTIAL_APP_URL: 'https://tracker.example.com',
};

/** The problems `env` is refused for (fails the test if it is accepted). */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
}

describe('production configuration', () => {
  it('names every missing required setting at once', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'DATABASE_URL is required in production (PostgreSQL 15+)',
      'EXPONENTIAL_SESSION_SECRET is required in production',
      'EXPONENTIAL_APP_URL is required in production',
    ]);
  });

  it('names every unsafe or malformed setting at once', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      DATABASE_URL: 'mysql://db/exponential',
      EXPONENTIAL_SESSION_SECRET: 'too-short',
      EXPONENTIAL_SESSION_SECRET_PREVIOUS: 'also-short',
      EXPONENTIAL_APP_URL: 'http://tracker.example.com',
      EXPONENTIAL_ALLOWED_ORIGINS: 'https://ok.example.com,https://bad.example.com/path,not a url',
      EXPONENTIAL_TRUSTED_PROXIES: '10.0.0.0/8,proxy.internal',
      EXPONENTIAL_METRICS_TOKEN: 'short',
      REDIS_URL: 'http://cache',
      PORT: 'eighty',
      EXPONENTIAL_SESSION_TTL_SECONDS: '5',
      EXPONENTIAL_RATE_LIMIT_PER_MINUTE: '0',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'DATABASE_URL must be a postgres:// URL',
        'EXPONENTIAL_SESSION_SECRET must be at least 32 bytes',
        'EXPONENTIAL_SESSION_SECRET_PREVIOUS must be at least 32 bytes',
        'EXPONENTIAL_APP_URL must use https in production',
        'EXPONENTIAL_ALLOWED_ORIGINS entry "https://bad.example.com/path" must be an origin (scheme://host[:port])',
        'EXPONENTIAL_ALLOWED_ORIGINS entry "not a url" is not a URL',
        'EXPONENTIAL_TRUSTED_PROXIES entry "proxy.internal" must be an IP address or CIDR',
        'EXPONENTIAL_METRICS_TOKEN must be at least 16 bytes',
        'REDIS_URL must be a redis:// URL',
        'PORT must be an integer ≥ 1 (got "eighty")',
        'EXPONENTIAL_SESSION_TTL_SECONDS must be an integer ≥ 60 (got "5")',
        'EXPONENTIAL_RATE_LIMIT_PER_MINUTE must be an integer ≥ 1 (got "0")',
      ]),
    );
    expect(problems).toHaveLength(12);
  });

  it('refuses a relative or unparsable app URL', () => {
    expect(problemsOf({ ...GOOD_PROD, EXPONENTIAL_APP_URL: '/relative' })).toContain('EXPONENTIAL_APP_URL must be an absolute URL (got "/relative")');
  });

  it('accepts a complete environment with the documented defaults', () => {
    const c = loadConfig({ ...GOOD_PROD, EXPONENTIAL_TRUSTED_PROXIES: '10.0.0.0/8, fd00::/8', EXPONENTIAL_METRICS_TOKEN: 'm'.repeat(32) });
    expect(c).toMatchObject({
      mode: 'production',
      host: '0.0.0.0',
      appUrl: 'https://tracker.example.com',
      allowedOrigins: ['https://tracker.example.com'],
      trustedProxies: ['10.0.0.0/8', 'fd00::/8'],
      sessionTtlSeconds: 30 * 86400,
      sessionIdleSeconds: 14 * 86400,
      bodyLimit: 1024 * 1024,
      rateLimitPerMinute: 600,
      publicRateLimitPerMinute: 60,
      logLevel: 'info',
    });
  });

  it('makes the server refuse to start: exit code 78 and every problem on stderr', () => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'production',
      EXPONENTIAL_SESSION_SECRET: 'short',
      EXPONENTIAL_APP_URL: 'http://tracker.example.com',
    };
    const main = path.resolve(import.meta.dirname, '../src/main.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', main], { env, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain('Invalid configuration:');
    for (const p of [
      'DATABASE_URL is required in production (PostgreSQL 15+)',
      'EXPONENTIAL_APP_URL must use https in production',
      'EXPONENTIAL_SESSION_SECRET must be at least 32 bytes',
    ]) {
      expect(r.stderr).toContain(`- ${p}`);
    }
  });
});

describe('local and test configuration', () => {
  it('generates a secret once in a 0600 file and reuses it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'exp-config-'));
    try {
      const a = loadConfig({ EXPONENTIAL_DATA_DIR: dir });
      const b = loadConfig({ EXPONENTIAL_DATA_DIR: dir });
      expect(a.mode).toBe('local');
      expect(a.host).toBe('127.0.0.1');
      expect(a.sessionSecret.length).toBeGreaterThanOrEqual(43);
      expect(b.sessionSecret).toBe(a.sessionSecret);
      expect(statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still refuses a short secret or a bad trusted proxy outside production', () => {
    expect(problemsOf({ NODE_ENV: 'test', EXPONENTIAL_SESSION_SECRET: 'short' })).toEqual(['EXPONENTIAL_SESSION_SECRET must be at least 32 bytes']);
    expect(problemsOf({ NODE_ENV: 'test', EXPONENTIAL_TRUSTED_PROXIES: '*' })).toEqual(['EXPONENTIAL_TRUSTED_PROXIES entry "*" must be an IP address or CIDR']);
  });
});
