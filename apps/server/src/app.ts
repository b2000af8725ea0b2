/**
 * `buildApp(deps)`: the whole HTTP application (API, sync gateway, web app) without listening.
 * main.ts wires real dependencies; tests pass their own (PGlite in memory, a manual clock, …).
 */
import cookie from '@fastify/cookie';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import formbody from '@fastify/formbody';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Database } from '@exponential/db';
import type { Config } from './config.ts';
import type { Clock } from './lib/clock.ts';
import { systemClock } from './lib/clock.ts';
import { AppError } from './lib/errors.ts';
import { type DeferredCompilers, deferredCompilers } from './lib/lazy-schemas.ts';
import type { Mailer } from './lib/mailer.ts';
import { serializerSchema } from './lib/serializer-schemas.ts';
import { preloadSanitizer } from './lib/sanitize.ts';
import { findBadString } from './lib/text.ts';
import authPlugin from './plugins/auth.ts';
import errorsPlugin, { problem, sendProblem } from './plugins/errors.ts';
import idempotencyPlugin from './plugins/idempotency.ts';
import { registerWebApp } from './plugins/web.ts';
import metricsPlugin from './plugins/metrics.ts';
import rateLimitPlugin from './plugins/rate-limit.ts';
import securityHeadersPlugin from './plugins/security-headers.ts';
import clientMutationPlugin from './sync/client-context.ts';
import { registerModules } from './modules/index.ts';
import type { Bus } from './sync/bus.ts';
import type { MutationDeps } from './sync/mutation.ts';

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;

/** Everything the application depends on. */
export interface AppDeps {
  config: Config;
  database: Database;
  bus: Bus;
  mailer: Mailer;
  clock?: Clock;
  /** Redis client shared by the rate limiter (and the bus), when REDIS_URL is set. */
  redis?: import('ioredis').Redis;
  logger?: FastifyBaseLogger | boolean | object;
}

/** Dependencies handed to every module's routes. */
export interface ModuleDeps extends MutationDeps {
  config: Config;
  mailer: Mailer;
}

/** The Fastify instance type with TypeBox inference. */
export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Log redaction: credentials never reach the log. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-metrics-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-metrics-token"]',
  '*.token',
  '*.password',
];

/**
 * Milliseconds after listening before the schemas no request has used yet are compiled in the
 * background (lib/lazy-schemas.ts): long enough for the first requests after a start to be served
 * without compilations in between, short enough that a broken schema is logged soon after start.
 */
export const SCHEMA_BACKGROUND_DELAY_MS = 2000;

/** Query parameters whose values never reach the log (magic-link tokens, OAuth codes and secrets). */
const SECRET_QUERY = /([?&](?:token|access_token|refresh_token|id_token|code|state|client_secret|password)=)[^&#]*/gi;

/** A URL as logged: the values of secret query parameters replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

/**
 * Options of the app's pino logger: level, redaction of credential paths, and a request
 * serializer that logs the URL without secret query values (and never the headers).
 */
export function loggerOptions(config: Pick<Config, 'logLevel'>) {
  return {
    level: config.logLevel,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      req: (req: import('fastify').FastifyRequest) => ({
        method: req.method,
        url: redactUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  };
}

/** Fastify's validator compiler: a route schema (and the part it validates) → a validation function. */
type ValidatorCompiler = Parameters<App['setValidatorCompiler']>[0];

/**
 * The app's validator compiler, for every route of every plugin context. Two validators: query
 * strings, path parameters and headers are text, so they are coerced to their declared types
 * (`?limit=10` → 10); JSON bodies are not coerced at all, so `0`, `false` or `""` can never
 * silently become `null` or another type (ajv's coercion would do that for nullable fields whose
 * real type rejects the value). Unknown properties are refused, never removed.
 * @param sharedSchemas the app's shared schemas (`app.getSchemas()`), read when a schema compiles
 */
function strictValidatorCompiler(sharedSchemas: () => Record<string, unknown>, compilers: DeferredCompilers): ValidatorCompiler {
  const common = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false } as const;
  const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));
  const textAjv = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));
  const sync = (ajv: Ajv) => {
    for (const schema of Object.values(sharedSchemas()) as Array<{ $id?: string }>) {
      if (schema.$id && !ajv.getSchema(schema.$id)) ajv.addSchema(schema);
    }
  };
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? bodyAjv : textAjv;
    return compilers.validator(() => {
      sync(ajv);
      return ajv.compile(schema as object);
    }) as ReturnType<ValidatorCompiler>;
  };
}

/**
 * Builds the application (not listening). Call `await app.ready()` before `inject` or `listen`.
 * @returns the Fastify instance with every route registered
 */
export async function buildApp(deps: AppDeps): Promise<App> {
  const clock = deps.clock ?? systemClock;
  const { config } = deps;
  // Route schemas compile on first use and in the background after listening (see lib/lazy-schemas.ts).
  const compilers = deferredCompilers();
  const serializerFactory = SerializerSelector();
  // Fastify builds a serializer compiler for every route of a context that added shared schemas
  // (the root, for all of ours), each time with every shared schema: the serializer's copy of each
  // shared schema is made once (was about 0.25 s of a PostgreSQL-mode start, `node --cpu-prof`).
  const sharedCopies = new WeakMap<object, unknown>();
  const sharedForSerializer = (schemas: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [id, schema] of Object.entries(schemas)) {
      if (typeof schema !== 'object' || schema === null) {
        out[id] = schema;
        continue;
      }
      let copy = sharedCopies.get(schema);
      if (copy === undefined) {
        copy = serializerSchema(schema);
        sharedCopies.set(schema, copy);
      }
      out[id] = copy;
    }
    return out;
  };
  // Given as the builder of every context, not with `app.setValidatorCompiler` (which sets the root's
  // only): Fastify rebuilds the compiler of a plugin context that received shared schemas (an
  // `addSchema` after a child context exists reaches the child), and from its options' builder —
  // its default ajv, with other options, which also took ~0.2–0.4 s of CPU at every start.
  const validatorCompiler = strictValidatorCompiler(() => app.getSchemas() as Record<string, unknown>, compilers);
  const app = Fastify({
    schemaController: {
      compilersFactory: {
        // Fastify's types describe its own ajv pool builder; any builder returning a compiler works.
        buildValidator: (() => validatorCompiler) as never,
        buildSerializer: (externalSchemas: Parameters<typeof serializerFactory>[0], options: Parameters<typeof serializerFactory>[1]) => {
          // Serializers see nullable unions as type lists (lib/serializer-schemas.ts).
          const compile = serializerFactory(sharedForSerializer(externalSchemas as Record<string, unknown>) as typeof externalSchemas, options);
          return (route: Parameters<typeof compile>[0]) => compilers.serializer(() => compile({ ...route, schema: serializerSchema(route.schema) }));
        },
      },
    },
    logger: deps.logger ?? (config.logLevel === 'silent' ? false : loggerOptions(config)),
    bodyLimit: config.bodyLimit,
    // On a laptop the terminal shows what matters (start, sign-in links, errors), not every request.
    logController: new LogController({ disableRequestLogging: config.mode === 'local' }),
    trustProxy: config.trustedProxies.length ? config.trustedProxies : false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    genReqId: () => crypto.randomUUID(),
    // URLs the router itself refuses (malformed percent-encoding, a path parameter over 200
    // characters) get problem+json like every other error, not Fastify's own JSON shape.
    frameworkErrors: (err, _req, reply) => {
      if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
        return sendProblem(reply, problem(414, 'uri_too_long', 'A path segment is longer than 200 characters'));
      }
      if (err.code === 'FST_ERR_BAD_URL') {
        return sendProblem(reply, problem(400, 'bad_url', 'The URL is not valid: a path segment is not well-formed percent-encoded UTF-8'));
      }
      return sendProblem(reply, problem(400, 'bad_request', 'The request could not be routed'));
    },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;
  if (config.mode === 'test') {
    // Tests: every schema compiles while getting ready, so a broken one fails `app.ready()`.
    app.addHook('onReady', async () => compilers.compileAll());
  } else {
    app.addHook('onListen', async () => {
      void compilers.compileInBackground((err) => app.log.error({ err }, 'a route schema failed to compile'), SCHEMA_BACKGROUND_DELAY_MS);
      // Most writes sanitize rich text: its library is loaded then too, not by the first write.
      setTimeout(() => {
        try {
          preloadSanitizer();
        } catch (err) {
          app.log.error({ err }, 'sanitize-html failed to load');
        }
      }, SCHEMA_BACKGROUND_DELAY_MS).unref();
    });
  }

  await app.register(errorsPlugin);
  await app.register(securityHeadersPlugin, { config });
  await app.register(cookie, { secret: [config.sessionSecret, ...(config.sessionSecretPrevious ? [config.sessionSecretPrevious] : [])] });
  await app.register(formbody);
  // The sync gateway's socket: small client frames, no per-message deflate (zlib fragmentation, ws#1202).
  await app.register(websocket, { options: { maxPayload: 64 * 1024, perMessageDeflate: false } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'exponential API', version: '1.0.0', description: 'REST API v1 of exponential.' },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'Personal access token (pat_…)' },
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'exponential_session' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _b, _f, i) => (json.$id as string) || `def-${i}` },
  });
  // Per-actor and per-address limits on API routes only (not static files, not the WebSocket
  // upgrade); counters live in Redis when REDIS_URL is set, so replicas share them.
  await app.register(rateLimitPlugin, { config, redis: deps.redis });
  await app.register(authPlugin, { db: deps.database.db, config, clock });
  await app.register(metricsPlugin, { config, clock });

  // Strings PostgreSQL cannot store (NUL) or that are not valid Unicode (lone surrogates) are
  // refused before validation, wherever they appear in the body or the query.
  app.addHook('preValidation', async (req) => {
    const inBody = findBadString(req.body);
    if (inBody) {
      throw new AppError(400, 'invalid_text', 'Text must be valid Unicode without NUL characters', [
        { field: `/body${inBody === '/' ? '' : inBody}`, message: 'contains a NUL character or a lone surrogate' },
      ]);
    }
    const inQuery = findBadString(req.query);
    if (inQuery) {
      throw new AppError(400, 'invalid_text', 'Text must be valid Unicode without NUL characters', [
        { field: `/query${inQuery}`, message: 'contains a NUL character or a lone surrogate' },
      ]);
    }
    // Path segments too: `/teams/ENG%00` would otherwise reach PostgreSQL as a key lookup.
    const inParams = findBadString(req.params);
    if (inParams) {
      throw new AppError(400, 'invalid_text', 'Text must be valid Unicode without NUL characters', [
        { field: `/params${inParams}`, message: 'contains a NUL character or a lone surrogate' },
      ]);
    }
  });

  // Authenticated API responses are private.
  app.addHook('onSend', async (req, reply) => {
    if (req.actor) reply.header('Cache-Control', 'no-store');
  });

  await app.register(idempotencyPlugin, { db: deps.database.db, clock });
  await app.register(clientMutationPlugin);

  const moduleDeps: ModuleDeps = { database: deps.database, bus: deps.bus, clock, config, mailer: deps.mailer };
  await registerModules(app, moduleDeps);
  // The built web app (apps/web/dist), same origin as the API, when it has been built.
  await registerWebApp(app, config);
  return app;
}
