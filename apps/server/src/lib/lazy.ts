/**
 * Modules loaded on first use instead of at start.
 *
 * A start of the server imports only what serving the first requests needs; the rest (OAuth and
 * OIDC libraries, the import parsers, the export writer, the mailer, the database driver of the
 * other engine, Redis) is imported by the first request or code path that needs it. In the bundle
 * (scripts/build-server.mjs) each `import()` of our own sources becomes a separate chunk, so the
 * third-party packages that chunk imports are not loaded at start either.
 *
 * A load that fails (a missing or broken package) rejects the request that needed it, which the
 * error handler answers with a logged 500 problem; the next call tries again.
 */

/**
 * Wraps a dynamic import so that it runs once, on the first call.
 * @param name what is loaded, for the error message (e.g. `openid-client`)
 * @param load the `import()` to run
 * @returns a function resolving with the loaded module (the same promise on every call once it
 *   succeeded); it rejects with an Error `Could not load <name>` (the original as `cause`) when the
 *   load fails, and the next call loads again
 */
export function lazyImport<T>(name: string, load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw new Error(`Could not load ${name}`, { cause: err });
    });
    return loading;
  };
}
