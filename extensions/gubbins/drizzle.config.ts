/**
 * drizzle-kit configuration of the gubbins extension: `bun run generate` (in this directory)
 * compares `src/schema.ts` with the last snapshot in `src/migrations/meta` and writes the next
 * SQL migration to `src/migrations/`; then list it in `src/migrations/index.ts`.
 */
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './src/migrations',
});
