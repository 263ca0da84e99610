/**
 * Registered OAuth clients and used client assertions in our own MySQL database: a use of an
 * unexpired client moves its expiry and returns it (lists parsed), an expired one is unknown, a
 * replayed assertion is refused, and the clean-ups remove only what expired. Needs MariaDB; skips
 * without it unless DIRACX_REQUIRE_MARIADB_TESTS=1.
 */
import { expect, it } from 'bun:test';
import {
  deleteExpiredClientAssertions,
  deleteExpiredOAuthClients,
  insertOAuthClient,
  recordClientAssertion,
  useOAuthClient,
} from '../../../src/db/mysql/own-clients.ts';
import { describeOnMariadb } from '../../harness/mariadb.ts';

const T0 = new Date('2026-12-06T09:00:00.123Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

await describeOnMariadb('our OAuth clients on MySQL', (t) => {
  it('uses an unexpired client, moving its expiry; an expired or unknown one is undefined', async () => {
    const { db, tables } = t.database;
    const client = {
      clientId: 'c1',
      clientName: 'Claude',
      redirectUris: ['http://127.0.0.1:33418/callback'],
      grantTypes: ['authorization_code', 'refresh_token'],
      createdAt: T0,
      expiresAt: later(60_000),
    };
    await insertOAuthClient(db, tables, client);
    const used = await useOAuthClient(db, tables, { clientId: 'c1', now: later(1000), expiresAt: later(120_000) });
    expect(used).toEqual({ ...client, lastUsedAt: later(1000), expiresAt: later(120_000) });
    expect(
      await useOAuthClient(db, tables, { clientId: 'c1', now: later(120_000), expiresAt: later(1) }),
    ).toBeUndefined();
    expect(await useOAuthClient(db, tables, { clientId: 'nope', now: T0, expiresAt: later(1) })).toBeUndefined();
    expect(await deleteExpiredOAuthClients(db, tables, later(119_999))).toBe(0);
    expect(await deleteExpiredOAuthClients(db, tables, later(120_000))).toBe(1);
  });

  it('records an assertion once, refuses its replay, and forgets it once expired', async () => {
    const { db, tables } = t.database;
    const entry = { clientId: 'svc', jti: 'j1', expiresAt: later(30_000) };
    expect(await recordClientAssertion(db, tables, entry)).toBe('recorded');
    expect(await recordClientAssertion(db, tables, entry)).toBe('replayed');
    expect(await recordClientAssertion(db, tables, { ...entry, clientId: 'other' })).toBe('recorded');
    expect(await deleteExpiredClientAssertions(db, tables, later(29_999))).toBe(0);
    expect(await deleteExpiredClientAssertions(db, tables, later(30_000))).toBe(2);
  });
});
