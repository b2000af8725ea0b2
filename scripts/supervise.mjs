/**
 * How `npm start` (scripts/start.mjs) watches its server child: SIGINT, SIGTERM and SIGHUP (as
 * SIGTERM) are passed on to it, and this process exits with the child's code. A child ended by a
 * signal this process did not pass on (kill -9, the OOM killer) is reported in one line on
 * stderr, `The server stopped (SIGKILL).`, and the exit code is 1.
 */

/**
 * Supervises `child` (a spawned server process) for the life of this process.
 * @param {import('node:child_process').ChildProcess} child
 */
export function superviseServer(child) {
  let forwarded = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      forwarded = true;
      child.kill(sig === 'SIGHUP' ? 'SIGTERM' : sig);
    });
  }
  child.on('exit', (code, signal) => {
    if (signal && !forwarded) console.error(`The server stopped (${signal}).`);
    process.exit(code ?? (signal ? 1 : 0));
  });
}
