/**
 * The AuthDB clean-up: flows older than the completed-flow retention and refresh tokens past
 * their expiry, ids of expired client assertions and expired client registrations are deleted;
 * younger flows, live tokens, live assertion ids and live registrations stay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import {
  insertAuthorizationFlow,
  insertDeviceFlow,
  insertRefreshToken,
  listRefreshTokens,
} from '../../../src/db/auth.ts';
import { recordClientAssertion } from '../../../src/db/client-assertions.ts';
import { insertOAuthClient, useOAuthClient } from '../../../src/db/oauth-clients.ts';
import { cleanupExpiredAuthData, UNDATED_REFRESH_TOKEN_RETENTION_DAYS } from '../../../src/logic/auth/cleanup.ts';
import { newUuid7 } from '../../../src/logic/auth/uuid7.ts';
import { createJsonLogger } from '../../../src/core/logger.ts';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from '../../harness/database.ts';
import { FIXTURE_TIMEOUT_MS } from '../../harness/login.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const minutesAgo = (m: number): Date => new Date(NOW.getTime() - m * 60_000);

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, FIXTURE_TIMEOUT_MS);
afterAll(() => db.dispose(), FIXTURE_TIMEOUT_MS);

describe('cleanupExpiredAuthData', () => {
  it('deletes flows past the retention and expired refresh tokens, and nothing else', async () => {
    const { database } = db;
    // DiracX's MySQL RefreshTokens has no ExpiresAt (docs/architecture.md, "Two SQL dialects"):
    // there a token expires by the creation time in its jti, past the undated retention.
    const expiredTokenCreated =
      TEST_DRIVER === 'mariadb' ? minutesAgo((UNDATED_REFRESH_TOKEN_RETENTION_DAYS + 1) * 24 * 60) : minutesAgo(120);
    await database.transaction(async (tx) => {
      for (const [code, age] of [
        ['OLDOLDOL', 61],
        ['NEWNEWNE', 59],
      ] as const) {
        await insertDeviceFlow(tx, {
          userCode: code,
          deviceCodeHash: code,
          clientId: 'c',
          scope: 'vo:lhcb',
          creationTime: minutesAgo(age),
        });
      }
      for (const age of [61, 59]) {
        await insertAuthorizationFlow(tx, {
          uuid: newUuid7(minutesAgo(age)),
          clientId: 'c',
          scope: 'vo:lhcb',
          codeChallenge: 'x',
          codeChallengeMethod: 'S256',
          redirectUri: 'http://x',
          creationTime: minutesAgo(age),
        });
      }
      await insertRefreshToken(tx, {
        jti: newUuid7(expiredTokenCreated),
        sub: 'lhcb:a',
        scope: 'vo:lhcb',
        expiresAt: minutesAgo(1),
      });
      await insertRefreshToken(tx, {
        jti: newUuid7(minutesAgo(120)),
        sub: 'lhcb:a',
        scope: 'vo:lhcb',
        expiresAt: minutesAgo(-1),
      });
      await recordClientAssertion(tx, { clientId: 'agent', jti: 'old', expiresAt: minutesAgo(1) });
      await recordClientAssertion(tx, { clientId: 'agent', jti: 'live', expiresAt: minutesAgo(-1) });
      for (const [clientId, expiresAt] of [
        ['expired-client', minutesAgo(1)],
        ['live-client', minutesAgo(-1)],
      ] as const) {
        await insertOAuthClient(tx, {
          clientId,
          clientName: null,
          redirectUris: ['https://x.example/cb'],
          grantTypes: ['authorization_code'],
          createdAt: minutesAgo(60),
          expiresAt,
        });
      }
    });
    const result = await cleanupExpiredAuthData({
      database,
      settings: { completedFlowRetentionMinutes: 60 },
      now: () => NOW,
      log: createJsonLogger('error'),
    });
    expect(result).toEqual({
      deviceFlows: 1,
      authorizationFlows: 1,
      refreshTokens: 1,
      clientAssertions: 1,
      registeredClients: 1,
    });
    expect(await database.transaction((tx) => listRefreshTokens(tx, { includeRevoked: true }))).toHaveLength(1);
    const again = await cleanupExpiredAuthData({
      database,
      settings: { completedFlowRetentionMinutes: 60 },
      now: () => NOW,
      log: createJsonLogger('error'),
    });
    expect(again).toEqual({
      deviceFlows: 0,
      authorizationFlows: 0,
      refreshTokens: 0,
      clientAssertions: 0,
      registeredClients: 0,
    });
    expect(await database.transaction((tx) => useOAuthClient(tx, 'live-client', NOW, minutesAgo(-60)))).toMatchObject({
      clientId: 'live-client',
    });
    // The live assertion id is still there: using it again is a replay.
    expect(
      await database.transaction((tx) =>
        recordClientAssertion(tx, { clientId: 'agent', jti: 'live', expiresAt: minutesAgo(-1) }),
      ),
    ).toBe('replayed');
  });
});
