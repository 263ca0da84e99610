/**
 * Refresh tokens in DiracX's AuthDB on MariaDB, shared with DiracX 0.7.0: a token we insert,
 * DiracX's own `AuthDB` finds, revokes and lists, and one DiracX inserts we lock, rotate (revoke)
 * and list, in creation order; revoking every token of a subject reaches both servers' tokens.
 * Needs MariaDB and DiracX's venv with aiomysql; skips without them unless
 * DIRACX_REQUIRE_MARIADB_TESTS=1 / DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { join } from 'node:path';
import {
  deleteExpiredRefreshTokens,
  getRefreshTokenForUpdate,
  insertRefreshToken,
  listRefreshTokens,
  revokeRefreshToken,
  revokeUserRefreshTokens,
} from '../../../src/db/mysql/refresh-tokens.ts';
import { newUuid7 } from '../../../src/logic/auth/uuid7.ts';
import {
  callDiracxScript,
  stopDiracxScripts,
  createMysqlTestDatabase,
  type MysqlTestDatabase,
  diracxOnMariadb,
} from '../../harness/mariadb.ts';

const SCRIPT = join(import.meta.dir, 'diracx-refresh-tokens.py');
const SUB = 'lhcb:b824d4dc-1f9d-4ee8-8df5-c0ae55d46041';
const SCOPE = 'vo:lhcb group:lhcb_user property:NormalUser';

const shared = await diracxOnMariadb();

if (shared.skipReason) {
  describe('refresh tokens shared with DiracX on MariaDB', () => {
    it.skip(`each server reads, rotates and revokes the other's (skipped: ${shared.skipReason})`, () => {});
  });
} else {
  describe('refresh tokens shared with DiracX on MariaDB', () => {
    let t: MysqlTestDatabase;
    let python = '';

    async function diracxAuth(request: Record<string, unknown>): Promise<unknown> {
      return callDiracxScript(python, SCRIPT, t.set.diracxUrl('AuthDB'), request, 'AuthDB');
    }

    beforeAll(async () => {
      python = shared.startDiracxScripts();
      t = await createMysqlTestDatabase();
    }, 60_000);
    afterAll(() => t?.dispose());
    afterAll(stopDiracxScripts);

    const ours = newUuid7(new Date('2026-12-06T08:00:00Z'));
    const theirs = newUuid7(new Date('2026-12-06T08:00:01Z'));

    it('DiracX finds the token we issued; we lock the one DiracX issued', async () => {
      const { database } = t;
      await database.transaction(({ db: tx }) =>
        insertRefreshToken(tx, database.tables, { jti: ours, sub: SUB, scope: SCOPE, expiresAt: new Date() }),
      );
      expect(await diracxAuth({ op: 'get', jti: ours })).toEqual({
        jti: ours,
        status: 'CREATED',
        scope: SCOPE,
        sub: SUB,
      });
      await diracxAuth({ op: 'insert', jti: theirs, sub: SUB, scope: SCOPE });
      const row = await database.transaction(({ db: tx }) => getRefreshTokenForUpdate(tx, database.tables, theirs));
      expect(row).toEqual({ jti: theirs, status: 'CREATED', scope: SCOPE, sub: SUB, expiresAt: null });
      expect(
        await database.transaction(({ db: tx }) => getRefreshTokenForUpdate(tx, database.tables, newUuid7(new Date()))),
      ).toBeUndefined();
    });

    it('lists both oldest first; a rotation by either is seen by the other', async () => {
      const { database } = t;
      const listed = await listRefreshTokens(database.db, database.tables, { sub: SUB, includeRevoked: false });
      expect(listed.map((r) => r.jti)).toEqual([ours, theirs]);
      // We rotate DiracX's token (revoke it); DiracX sees it revoked and lists only ours.
      expect(await database.transaction(({ db: tx }) => revokeRefreshToken(tx, database.tables, theirs))).toBe(1);
      expect(await diracxAuth({ op: 'get', jti: theirs })).toMatchObject({ status: 'REVOKED' });
      expect(await diracxAuth({ op: 'list', sub: SUB })).toEqual([
        { jti: ours, status: 'CREATED', scope: SCOPE, sub: SUB },
      ]);
      // Revoking again still matches the row (a reuse check reads it as revoked, not missing).
      expect(await database.transaction(({ db: tx }) => revokeRefreshToken(tx, database.tables, theirs))).toBe(1);
      expect(
        await database.transaction(({ db: tx }) => revokeRefreshToken(tx, database.tables, newUuid7(new Date()))),
      ).toBe(0);
    });

    it("DiracX's reuse detection revokes our tokens of the subject, and ours revokes DiracX's", async () => {
      const { database } = t;
      await diracxAuth({ op: 'revoke_user', sub: SUB });
      expect((await listRefreshTokens(database.db, database.tables, { sub: SUB, includeRevoked: false })).length).toBe(
        0,
      );
      const another = newUuid7(new Date('2026-12-06T08:00:02Z'));
      await diracxAuth({ op: 'insert', jti: another, sub: SUB, scope: SCOPE });
      expect(await database.transaction(({ db: tx }) => revokeUserRefreshTokens(tx, database.tables, SUB))).toBe(1);
      expect(await diracxAuth({ op: 'list', sub: SUB })).toEqual([]);
      expect(
        (await listRefreshTokens(database.db, database.tables, { sub: SUB, includeRevoked: true })).map(
          (r) => r.status,
        ),
      ).toEqual(['REVOKED', 'REVOKED', 'REVOKED']);
    });

    it('cleans up by creation time: tokens created before the cut go, later ones stay', async () => {
      const { database } = t;
      const cut = newUuid7(new Date('2026-12-06T08:00:01.500Z'));
      expect(await database.transaction(({ db: tx }) => deleteExpiredRefreshTokens(tx, database.tables, cut))).toBe(2);
      const left = await listRefreshTokens(database.db, database.tables, { includeRevoked: true });
      expect(left).toHaveLength(1);
      expect(await diracxAuth({ op: 'get', jti: ours })).toEqual({ error: 'TokenNotFoundError' });
    });
  });
}
