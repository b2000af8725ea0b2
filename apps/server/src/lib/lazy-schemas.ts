/**
 * Deferred compilation of route schemas.
 *
 * Fastify compiles every route's request validators (ajv) and response serializers
 * (fast-json-stringify) while the server gets ready: about a second of CPU for this API, most of
 * a cold start (measured with `node --cpu-prof`: fast-json-stringify ~0.5 s, ajv ~0.35 s). Here a
 * route's compilers are wrapped so that each one is compiled on its first use instead; a while
 * after the server listens, whatever is still uncompiled is compiled in the background, one schema
 * per macrotask, so the first requests are not held up and every schema is checked soon after
 * start. The wait matters: compiling in the background right at `listen` put one compilation
 * between each of the first request's I/O steps, and the first list page of a PostgreSQL-mode
 * start waited about 0.6 s of CPU for schemas it did not use (`node --cpu-prof`, 2026-11-29).
 * Tests compile everything while getting ready, so a broken schema still fails `app.ready()`.
 */

/** The compilers not compiled yet, and how to compile them all. */
export interface DeferredCompilers {
  /**
   * Wraps a validator compilation (an ajv `ValidateFunction`): compiled on the first call, its
   * `errors` copied onto the wrapper after each call as Fastify reads them there.
   */
  validator<F extends (data: unknown) => unknown>(compile: () => F): F;
  /** Wraps a serializer compilation (`(payload) => string`): compiled on the first call. */
  serializer<F extends (payload: unknown) => string>(compile: () => F): F;
  /** How many are still uncompiled. */
  readonly pending: number;
  /** Compiles every pending one now (throws the first compilation error). */
  compileAll(): void;
  /**
   * Compiles the pending ones in the background, one per macrotask (`setImmediate`); a failure is
   * passed to `onError` and the rest go on. Resolves when none is left.
   * @param delayMs wait this long first (an unref'd timer, so it never keeps a process alive); default 0
   */
  compileInBackground(onError: (err: unknown) => void, delayMs?: number): Promise<void>;
}

/** Creates an empty set of deferred compilers. */
export function deferredCompilers(): DeferredCompilers {
  const queue = new Set<() => void>();

  const defer = <F>(compile: () => F, wrap: (get: () => F) => F): F => {
    let compiled: F | undefined;
    const get = (): F => {
      if (compiled === undefined) {
        queue.delete(force);
        compiled = compile();
      }
      return compiled;
    };
    const force = () => void get();
    queue.add(force);
    return wrap(get);
  };

  return {
    validator<F extends (data: unknown) => unknown>(compile: () => F): F {
      return defer(compile, (get) => {
        const wrapper = ((data: unknown) => {
          const fn = get() as F & { errors?: unknown };
          const result = fn(data);
          (wrapper as unknown as { errors?: unknown }).errors = fn.errors;
          return result;
        }) as F;
        return wrapper;
      });
    },
    serializer<F extends (payload: unknown) => string>(compile: () => F): F {
      return defer(compile, (get) => ((payload: unknown) => get()(payload)) as F);
    },
    get pending() {
      return queue.size;
    },
    compileAll() {
      for (const force of [...queue]) force();
    },
    compileInBackground(onError, delayMs = 0) {
      return new Promise((resolve) => {
        const step = () => {
          const next = queue.values().next();
          if (next.done) return resolve();
          try {
            next.value();
          } catch (err) {
            queue.delete(next.value);
            onError(err);
          }
          setImmediate(step);
        };
        if (delayMs > 0) setTimeout(step, delayMs).unref();
        else setImmediate(step);
      });
    },
  };
}
