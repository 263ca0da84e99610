/**
 * The AuthDB queries on whichever driver the run uses (PGlite by default, PostgreSQL when
 * DATABASE_URL is set, DiracX's AuthDB on MariaDB in the MariaDB mode): device and
 * authorization-code flows through their statuses, duplicate user codes, row locks that
 * serialise one-time redemptions, refresh token revocation and listing, and the clean-up of old
 * flows and expired refresh tokens. DiracX's MySQL `RefreshTokens` has no `ExpiresAt`
 * (docs/architecture.md, "Two SQL dialects"): there a token reads back undated and is cleaned up
 * by the creation time in its jti alone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'bun:test';
import { sql } from 'drizzle-orm';
import {
  deleteExpiredFlows,
  deleteExpiredRefreshTokens,
  getAuthorizationFlowByCodeForUpdate,
  getAuthorizationFlowForUpdate,
  getDeviceFlowByDeviceCodeForUpdate,
  getPendingDeviceFlowByUserCode,
  getRefreshTokenForUpdate,
  insertAuthorizationFlow,
  insertDeviceFlow,
  insertRefreshToken,
  listRefreshTokens,
  revokeRefreshToken,
  revokeUserRefreshTokens,
  setAuthorizationFlowReady,
  setDeviceFlowReady,
  updateAuthorizationFlowStatus,
  updateDeviceFlowStatus,
  type NewAuthorizationFlow,
  type NewDeviceFlow,
} from '../../src/db/auth.ts';
import { newUuid7 } from '../../src/logic/auth/uuid7.ts';
import { createTestDatabase, POSTGRES_ONLY, postgresOf, TEST_DRIVER, type TestDatabase } from '../harness/database.ts';

const T0 = new Date('2026-05-01T12:00:00.000Z');
const minutes = (n: number): Date => new Date(T0.getTime() + n * 60_000);
const hex64 = (c: string): string => c.repeat(64);

function deviceFlow(overrides: Partial<NewDeviceFlow> = {}): NewDeviceFlow {
  return {
    userCode: 'BCDFGHJK',
    deviceCodeHash: hex64('a'),
    clientId: 'myDIRACClientID',
    scope: 'vo:lhcb',
    creationTime: T0,
    ...overrides,
  };
}

function authorizationFlow(overrides: Partial<NewAuthorizationFlow> = {}): NewAuthorizationFlow {
  return {
    uuid: newUuid7(T0),
    clientId: 'myDIRACClientID',
    scope: 'vo:lhcb group:lhcb_user',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    codeChallengeMethod: 'S256',
    redirectUri: 'http://localhost:8000/docs/oauth2-redirect',
    creationTime: T0,
    ...overrides,
  };
}

describe(`AuthDB queries (${TEST_DRIVER})`, () => {
  // A fresh (emptied) database per test.
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(() => t.dispose());

  it.skipIf(POSTGRES_ONLY)(
    "creates PostgreSQL's AuthDB tables with DiracX column names (MySQL's: test/db/mysql/diracx-schema)",
    async () => {
      const rows = await postgresOf(t.database).query<{ table_name: string; column_name: string }>(
        sql`select table_name, column_name from information_schema.columns
          where table_schema = 'public' and table_name in ('DeviceFlows', 'AuthorizationFlows', 'RefreshTokens')
          order by table_name, ordinal_position`,
      );
      const columns = (table: string): string[] => rows.filter((r) => r.table_name === table).map((r) => r.column_name);
      expect(columns('DeviceFlows')).toEqual([
        'UserCode',
        'Status',
        'CreationTime',
        'ClientID',
        'Scope',
        'DeviceCode',
        'IDToken',
      ]);
      expect(columns('AuthorizationFlows')).toEqual([
        'UUID',
        'Status',
        'ClientID',
        'CreationTime',
        'Scope',
        'CodeChallenge',
        'CodeChallengeMethod',
        'RedirectURI',
        'Code',
        'IDToken',
        'Resource',
        'ClientState',
      ]);
      expect(columns('RefreshTokens')).toEqual(['JTI', 'Status', 'Scope', 'Sub', 'ExpiresAt']);
    },
  );

  it.skipIf(POSTGRES_ONLY)(
    "PostgreSQL's RefreshTokens refuses a status outside the enum (MySQL's ENUM: test/db/mysql/diracx-schema)",
    async () => {
      const failure = postgresOf(t.database).query(
        sql`insert into "RefreshTokens" ("JTI", "Status", "Scope", "Sub", "ExpiresAt")
          values (${newUuid7(T0)}, 'EXPIRED', 'vo:lhcb', 'lhcb:a', now())`,
      );
      // Not `expect(failure).rejects`: Bun's matcher stops delivering the embedded database's worker messages.
      expect(await failure.catch((err: unknown) => err)).toBeInstanceOf(Error);
    },
  );

  describe('device flows', () => {
    it('inserts a pending flow and finds it by user code until it expires', async () => {
      expect(await insertDeviceFlow(t.database.session, deviceFlow())).toBe('inserted');
      const found = await getPendingDeviceFlowByUserCode(t.database.session, 'BCDFGHJK', minutes(-10));
      expect(found).toEqual({
        userCode: 'BCDFGHJK',
        status: 'PENDING',
        creationTime: T0,
        clientId: 'myDIRACClientID',
        scope: 'vo:lhcb',
        deviceCode: hex64('a'),
        idToken: null,
      });
      expect(await getPendingDeviceFlowByUserCode(t.database.session, 'BCDFGHJK', T0)).toBeUndefined();
      expect(await getPendingDeviceFlowByUserCode(t.database.session, 'ZZZZZZZZ', minutes(-10))).toBeUndefined();
    });

    it('reports a duplicate user code or device code without spoiling the transaction', async () => {
      await insertDeviceFlow(t.database.session, deviceFlow());
      const outcomes = await t.database.transaction(async (tx) => [
        await insertDeviceFlow(tx, deviceFlow({ deviceCodeHash: hex64('b') })),
        await insertDeviceFlow(tx, deviceFlow({ userCode: 'CDFGHJKL' })),
        await insertDeviceFlow(tx, deviceFlow({ userCode: 'CDFGHJKL', deviceCodeHash: hex64('b') })),
      ]);
      expect(outcomes).toEqual(['duplicate', 'duplicate', 'inserted']);
      expect(await getPendingDeviceFlowByUserCode(t.database.session, 'CDFGHJKL', minutes(-10))).toMatchObject({
        deviceCode: hex64('b'),
      });
    });

    it('stores the ID token and marks the flow READY only while it is pending and unexpired', async () => {
      await insertDeviceFlow(t.database.session, deviceFlow());
      expect(await setDeviceFlowReady(t.database.session, 'BCDFGHJK', { sub: 'x' }, T0)).toBe(0);
      expect(await setDeviceFlowReady(t.database.session, 'BCDFGHJK', { sub: 'x', n: [1] }, minutes(-10))).toBe(1);
      expect(await setDeviceFlowReady(t.database.session, 'BCDFGHJK', { sub: 'y' }, minutes(-10))).toBe(0);
      const row = await getDeviceFlowByDeviceCodeForUpdate(t.database.session, hex64('a'));
      expect(row).toMatchObject({ status: 'READY', idToken: { sub: 'x', n: [1] } });
      expect(await getPendingDeviceFlowByUserCode(t.database.session, 'BCDFGHJK', minutes(-10))).toBeUndefined();
    });

    it('locks a flow by device code and updates its status', async () => {
      await insertDeviceFlow(t.database.session, deviceFlow());
      const status = await t.database.transaction(async (tx) => {
        const row = await getDeviceFlowByDeviceCodeForUpdate(tx, hex64('a'));
        expect(row?.userCode).toBe('BCDFGHJK');
        expect(await updateDeviceFlowStatus(tx, hex64('a'), 'DONE')).toBe(1);
        return (await getDeviceFlowByDeviceCodeForUpdate(tx, hex64('a')))?.status;
      });
      expect(status).toBe('DONE');
      expect(await getDeviceFlowByDeviceCodeForUpdate(t.database.session, hex64('f'))).toBeUndefined();
      expect(await updateDeviceFlowStatus(t.database.session, hex64('f'), 'DONE')).toBe(0);
    });

    it('lets exactly one of two concurrent redemptions see the READY flow', async () => {
      await insertDeviceFlow(t.database.session, deviceFlow());
      await setDeviceFlowReady(t.database.session, 'BCDFGHJK', { sub: 'x' }, minutes(-10));
      const redeem = (): Promise<string> =>
        t.database.transaction(async (tx) => {
          const row = await getDeviceFlowByDeviceCodeForUpdate(tx, hex64('a'));
          await Bun.sleep(50); // widen the window in which an unlocked read would race
          if (row?.status !== 'READY') return 'already used';
          await updateDeviceFlowStatus(tx, hex64('a'), 'DONE');
          return 'issued';
        });
      const outcomes = await Promise.all([redeem(), redeem()]);
      expect(outcomes.sort()).toEqual(['already used', 'issued']);
    });
  });

  describe('authorization flows', () => {
    it('inserts a pending flow and locks it by uuid', async () => {
      const flow = authorizationFlow();
      await insertAuthorizationFlow(t.database.session, flow);
      const row = await t.database.transaction((tx) => getAuthorizationFlowForUpdate(tx, flow.uuid));
      expect(row).toEqual({ ...flow, status: 'PENDING', code: null, idToken: null, resource: null, clientState: null });
      expect(await getAuthorizationFlowForUpdate(t.database.session, newUuid7(T0))).toBeUndefined();
    });

    it('marks a pending unexpired flow READY with its code digest and returns the redirect URI', async () => {
      const flow = authorizationFlow();
      await insertAuthorizationFlow(t.database.session, flow);
      expect(
        await setAuthorizationFlowReady(t.database.session, flow.uuid, hex64('c'), { sub: 'x' }, T0),
      ).toBeUndefined();
      const ready = await setAuthorizationFlowReady(
        t.database.session,
        flow.uuid,
        hex64('c'),
        { sub: 'x' },
        minutes(-5),
      );
      expect(ready).toMatchObject({
        status: 'READY',
        code: hex64('c'),
        idToken: { sub: 'x' },
        redirectUri: flow.redirectUri,
      });
      const again = await setAuthorizationFlowReady(
        t.database.session,
        flow.uuid,
        hex64('d'),
        { sub: 'y' },
        minutes(-5),
      );
      expect(again).toBeUndefined();
    });

    it('locks a flow by code digest while it is unexpired, and updates its status', async () => {
      const flow = authorizationFlow();
      await insertAuthorizationFlow(t.database.session, flow);
      await setAuthorizationFlowReady(t.database.session, flow.uuid, hex64('c'), { sub: 'x' }, minutes(-5));
      const status = await t.database.transaction(async (tx) => {
        const row = await getAuthorizationFlowByCodeForUpdate(tx, hex64('c'), minutes(-5));
        expect(row?.uuid).toBe(flow.uuid);
        expect(await updateAuthorizationFlowStatus(tx, flow.uuid, 'DONE')).toBe(1);
        return (await getAuthorizationFlowForUpdate(tx, flow.uuid))?.status;
      });
      expect(status).toBe('DONE');
      expect(await getAuthorizationFlowByCodeForUpdate(t.database.session, hex64('c'), T0)).toBeUndefined();
      expect(await getAuthorizationFlowByCodeForUpdate(t.database.session, hex64('e'), minutes(-5))).toBeUndefined();
    });
  });

  describe('flow clean-up', () => {
    it('deletes device and authorization flows created before the cut-off, and only those', async () => {
      const oldDevice = deviceFlow({ userCode: 'OLDOLDOL', deviceCodeHash: hex64('1'), creationTime: minutes(-61) });
      const recentDevice = deviceFlow({ userCode: 'NEWNEWNE', deviceCodeHash: hex64('2'), creationTime: minutes(-59) });
      await insertDeviceFlow(t.database.session, oldDevice);
      await insertDeviceFlow(t.database.session, recentDevice);
      const old = authorizationFlow({ uuid: newUuid7(minutes(-61)), creationTime: minutes(-61) });
      const recent = authorizationFlow({ uuid: newUuid7(minutes(-59)), creationTime: minutes(-59) });
      await insertAuthorizationFlow(t.database.session, old);
      await insertAuthorizationFlow(t.database.session, recent);

      expect(await deleteExpiredFlows(t.database.session, minutes(-60))).toEqual({
        deviceFlows: 1,
        authorizationFlows: 1,
      });
      expect(await getPendingDeviceFlowByUserCode(t.database.session, 'OLDOLDOL', minutes(-120))).toBeUndefined();
      expect(await getPendingDeviceFlowByUserCode(t.database.session, 'NEWNEWNE', minutes(-120))).toBeDefined();
      expect(await getAuthorizationFlowForUpdate(t.database.session, old.uuid)).toBeUndefined();
      expect(await getAuthorizationFlowForUpdate(t.database.session, recent.uuid)).toBeDefined();
      expect(await deleteExpiredFlows(t.database.session, minutes(-60))).toEqual({
        deviceFlows: 0,
        authorizationFlows: 0,
      });
    });
  });

  describe('refresh tokens', () => {
    const insert = async (sub: string, at: Date, expiresAt = minutes(60)): Promise<string> => {
      const jti = newUuid7(at);
      await insertRefreshToken(t.database.session, { jti, sub, scope: 'vo:lhcb', expiresAt });
      return jti;
    };

    it('inserts a CREATED token and locks it by jti', async () => {
      const jti = await insert('lhcb:chaen', T0);
      const row = await t.database.transaction((tx) => getRefreshTokenForUpdate(tx, jti));
      // DiracX's MySQL table has no ExpiresAt: the token reads back undated there.
      const expiresAt = TEST_DRIVER === 'mariadb' ? null : minutes(60);
      expect(row).toEqual({ jti, status: 'CREATED', scope: 'vo:lhcb', sub: 'lhcb:chaen', expiresAt });
      expect(await getRefreshTokenForUpdate(t.database.session, newUuid7(T0))).toBeUndefined();
    });

    it('revokes one token by jti and reports an unknown jti as zero rows', async () => {
      const a = await insert('lhcb:chaen', T0);
      const b = await insert('lhcb:chaen', minutes(1));
      expect(await revokeRefreshToken(t.database.session, a)).toBe(1);
      expect(await revokeRefreshToken(t.database.session, newUuid7(T0))).toBe(0);
      expect((await getRefreshTokenForUpdate(t.database.session, a))?.status).toBe('REVOKED');
      expect((await getRefreshTokenForUpdate(t.database.session, b))?.status).toBe('CREATED');
    });

    it("revokes all of a subject's tokens and no one else's", async () => {
      const a = await insert('lhcb:chaen', T0);
      const b = await insert('lhcb:chaen', minutes(1));
      const other = await insert('lhcb:albdr', minutes(2));
      await revokeRefreshToken(t.database.session, a);
      expect(await revokeUserRefreshTokens(t.database.session, 'lhcb:chaen')).toBe(1);
      expect((await getRefreshTokenForUpdate(t.database.session, b))?.status).toBe('REVOKED');
      expect((await getRefreshTokenForUpdate(t.database.session, other))?.status).toBe('CREATED');
    });

    it('lists tokens oldest first, per subject or for everyone, with or without revoked ones', async () => {
      const later = await insert('lhcb:chaen', minutes(5));
      const revoked = await insert('lhcb:chaen', minutes(1));
      const first = await insert('lhcb:chaen', T0);
      const other = await insert('gridpp:alice', minutes(3));
      await revokeRefreshToken(t.database.session, revoked);
      const jtis = async (filter: Parameters<typeof listRefreshTokens>[1]): Promise<string[]> =>
        (await listRefreshTokens(t.database.session, filter)).map((r) => r.jti);

      expect(await jtis({ sub: 'lhcb:chaen', includeRevoked: false })).toEqual([first, later]);
      expect(await jtis({ sub: 'lhcb:chaen', includeRevoked: true })).toEqual([first, revoked, later]);
      expect(await jtis({ includeRevoked: false })).toEqual([first, other, later]);
      expect(await jtis({ includeRevoked: true })).toEqual([first, revoked, other, later]);
      expect(await jtis({ sub: 'lhcb:nobody', includeRevoked: true })).toEqual([]);
    });

    it.skipIf(POSTGRES_ONLY)(
      'deletes tokens expired by now, revoked or not, keeps the others (PostgreSQL: no ExpiresAt on MySQL)',
      async () => {
        const expired = await insert('lhcb:chaen', minutes(-120), minutes(-60));
        const expiredRevoked = await insert('lhcb:chaen', minutes(-100), minutes(-40));
        const expiringNow = await insert('lhcb:chaen', minutes(-60), T0);
        const valid = await insert('lhcb:chaen', minutes(-59), minutes(1));
        const validRevoked = await insert('lhcb:albdr', minutes(-30), minutes(30));
        await revokeRefreshToken(t.database.session, expiredRevoked);
        await revokeRefreshToken(t.database.session, validRevoked);

        expect(await deleteExpiredRefreshTokens(t.database.session, T0, newUuid7(minutes(-200)))).toBe(3);
        const left = (await listRefreshTokens(t.database.session, { includeRevoked: true })).map((r) => r.jti);
        expect(left).toEqual([valid, validRevoked]);
        expect(left).not.toContain(expired);
        expect(left).not.toContain(expiringNow);
      },
    );

    it('deletes rows without ExpiresAt (as DiracX writes them) by the creation time in their jti', async () => {
      const undated = async (at: Date): Promise<string> => {
        const jti = newUuid7(at);
        if (t.database.driver === 'mysql') {
          // DiracX's MySQL table has no ExpiresAt: every row is undated there.
          await insertRefreshToken(t.database.session, { jti, sub: 'lhcb:chaen', scope: 'vo:lhcb', expiresAt: T0 });
          return jti;
        }
        await postgresOf(t.database).db.execute(
          sql`insert into "RefreshTokens" ("JTI", "Scope", "Sub") values (${jti}, 'vo:lhcb', 'lhcb:chaen')`,
        );
        return jti;
      };
      const old = await undated(minutes(-120));
      const recent = await undated(minutes(-10));
      const row = await getRefreshTokenForUpdate(t.database.session, recent);
      expect(row).toMatchObject({ status: 'CREATED', expiresAt: null, scope: 'vo:lhcb', sub: 'lhcb:chaen' });

      expect(await deleteExpiredRefreshTokens(t.database.session, T0, newUuid7(minutes(-60)))).toBe(1);
      const left = (await listRefreshTokens(t.database.session, { includeRevoked: true })).map((r) => r.jti);
      expect(left).toEqual([recent]);
      expect(left).not.toContain(old);
    });
  });
});
