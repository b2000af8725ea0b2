/**
 * Deferred compilation of route schemas.
 *
 * Fastify compiles every route's request validators (ajv) and response serializers
 * (fast-json-stringify) while the server gets ready: about a second of CPU for this API, most of
 * a cold start (measured with `node --cpu-prof`: fast-json-stringify ~0.5 s, ajv ~0.35 s). Here a
 * route's compilers are wrapped so that each one is compiled on its first use instead; once the
 * server listens, whatever is still uncompiled is compiled in the background, one schema per
 * macrotask, so the first requests are not held up and every schema is checked soon after start.
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
   */
  compileInBackground(onError: (err: unknown) => void): Promise<void>;
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
    compileInBackground(onError) {
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
        setImmediate(step);
      });
    },
  };
}
