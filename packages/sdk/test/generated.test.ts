/**
 * The committed OpenAPI document and SDK types must be exactly what the current routes generate,
 * so a route change without regeneration fails CI.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSdk, sdkPaths } from '../../../scripts/gen-sdk.ts';

describe('generated SDK', () => {
  it('matches the current routes', async () => {
    const fresh = await generateSdk();
    const committed = { openapi: readFileSync(sdkPaths.openapi, 'utf8'), types: readFileSync(sdkPaths.types, 'utf8') };
    const hint = 'packages/sdk is out of date with the server routes: run npm run gen:sdk and commit the result';
    expect(committed.openapi === fresh.openapi, hint).toBe(true);
    expect(committed.types === fresh.types, hint).toBe(true);
    // The document is OpenAPI 3.1 and names every operation.
    const doc = JSON.parse(fresh.openapi);
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, item] of Object.entries<Record<string, { operationId?: string }>>(doc.paths)) {
      for (const [method, op] of Object.entries(item)) expect(op.operationId, `${method.toUpperCase()} ${path}`).toBeTruthy();
    }
  }, 60_000);
});
