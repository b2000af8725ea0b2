import { defineConfig } from 'drizzle-kit';

/** drizzle-kit configuration: generates SQL migrations from src/schema.ts. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './packages/db/src/schema.ts',
  out: './packages/db/migrations',
});
