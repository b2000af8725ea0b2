// Starts the import conversion worker from the TypeScript sources (development, tests, the
// benchmarks): registers tsx's loader in the worker thread (Node 20 does not carry a parent's
// `--import tsx` hooks into worker threads), then loads the worker module. The built server runs
// `imports-convert-worker.mjs` instead, compiled next to the bundle by scripts/build-server.mjs.
import { register } from 'tsx/esm/api';

register();
await import('./imports.convert.worker.ts');
