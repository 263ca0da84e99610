/**
 * Hooks around the whole test run (preloaded by bunfig.toml): in the MariaDB mode
 * (`DIRACX_TEST_DATABASE=mariadb`), drops this process's pooled database sets after the last
 * test file (`./mariadb-pool.ts`). Nothing happens in the other modes.
 */
import { afterAll } from 'bun:test';

if (Bun.env.DIRACX_TEST_DATABASE === 'mariadb') {
  afterAll(async () => {
    const { drainMariadbPool } = await import('./mariadb-pool.ts');
    await drainMariadbPool();
  });
}
