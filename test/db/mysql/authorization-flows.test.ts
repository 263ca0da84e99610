/**
 * Authorization-code flows in DiracX's AuthDB on MariaDB, shared with DiracX 0.7.0: a flow DiracX
 * started we complete, and DiracX redeems its code; a flow we started (with the MCP resource DiracX
 * has no column for, kept in our own database) DiracX completes, and we redeem it with its resource.
 * Our consent steps and the clean-up of expired flows and their extras run on the same rows. Needs
 * MariaDB and DiracX's venv with aiomysql; skips without them unless DIRACX_REQUIRE_MARIADB_TESTS=1
 * / DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  deleteExpiredFlows,
  getAuthorizationFlowAwaitingConsentForUpdate,
  getAuthorizationFlowAwaitingLogin,
  getAuthorizationFlowByCodeForUpdate,
  insertAuthorizationFlow,
  setAuthorizationFlowLoggedIn,
  setAuthorizationFlowReady,
  setAuthorizationFlowScope,
  updateAuthorizationFlowStatus,
} from '../../../src/db/mysql/authorization-flows.ts';
import { newUuid7 } from '../../../src/logic/auth/uuid7.ts';
import {
  callDiracxScript,
  stopDiracxScripts,
  createMysqlTestDatabase,
  type MysqlTestDatabase,
  diracxOnMariadb,
} from '../../harness/mariadb.ts';

const SCRIPT = join(import.meta.dir, 'diracx-authorization-flows.py');
const SCOPE = 'vo:lhcb group:lhcb_user';
const ID_TOKEN = { sub: 'b824d4dc', preferred_username: 'chaen' };
const REDIRECT = 'http://localhost:8000/docs/oauth2-redirect';
const RESOURCE = 'https://diracx.example.org/mcp';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const shared = await diracxOnMariadb();

if (shared.skipReason) {
  describe('authorization flows shared with DiracX on MariaDB', () => {
    it.skip(`either server completes the other's flow (skipped: ${shared.skipReason})`, () => {});
  });
} else {
  describe('authorization flows shared with DiracX on MariaDB', () => {
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

    const anHourAgo = () => new Date(Date.now() - 3_600_000);

    it('we complete the flow DiracX started, and DiracX redeems its code', async () => {
      const { database } = t;
      const uuid = (await diracxAuth({
        op: 'start',
        client_id: 'myDIRACClientID',
        scope: SCOPE,
        code_challenge: 'challenge',
        redirect_uri: REDIRECT,
      })) as string;
      const waiting = await getAuthorizationFlowAwaitingLogin(database.db, database.tables, uuid, anHourAgo());
      expect(waiting).toMatchObject({ status: 'PENDING', scope: SCOPE, resource: null, clientState: null });
      const ready = await database.transaction(({ db: tx }) =>
        setAuthorizationFlowReady(tx, database.tables, {
          uuid,
          codeHash: sha256('our-code'),
          idToken: ID_TOKEN,
          notBefore: anHourAgo(),
        }),
      );
      expect(ready).toMatchObject({ status: 'READY', code: sha256('our-code'), idToken: ID_TOKEN });
      expect(await diracxAuth({ op: 'redeem', code: 'our-code' })).toEqual({
        status: 'READY',
        scope: SCOPE,
        id_token: ID_TOKEN,
        redirect_uri: REDIRECT,
      });
    });

    it('DiracX completes the flow we started; we redeem it with the resource DiracX has no column for', async () => {
      const { database } = t;
      const uuid = newUuid7(new Date());
      await insertAuthorizationFlow(database.db, database.tables, {
        uuid,
        clientId: 'mcp-client',
        scope: SCOPE,
        codeChallenge: 'challenge',
        codeChallengeMethod: 'S256',
        redirectUri: REDIRECT,
        creationTime: new Date(),
        resource: RESOURCE,
      });
      const [code = ''] = (await diracxAuth({ op: 'login', uuid, id_token: ID_TOKEN })) as string[];
      const flow = await database.transaction(({ db: tx }) =>
        getAuthorizationFlowByCodeForUpdate(tx, database.tables, sha256(code), anHourAgo()),
      );
      expect(flow).toMatchObject({ uuid, status: 'READY', idToken: ID_TOKEN, resource: RESOURCE, clientState: null });
      expect(await updateAuthorizationFlowStatus(database.db, database.tables, uuid, 'DONE')).toBe(1);
      expect(await diracxAuth({ op: 'redeem', code })).toMatchObject({ status: 'DONE' });
    });

    it('our consent steps: a scope narrowed once, the login recorded, the flow awaiting consent', async () => {
      const { database } = t;
      const uuid = newUuid7(new Date());
      await insertAuthorizationFlow(database.db, database.tables, {
        uuid,
        clientId: 'mcp-client',
        scope: SCOPE,
        codeChallenge: 'challenge',
        codeChallengeMethod: 'S256',
        redirectUri: REDIRECT,
        creationTime: new Date(),
        clientState: 'xyz',
      });
      const narrowed = { uuid, scope: 'vo:lhcb', expectedScope: SCOPE, notBefore: anHourAgo() };
      expect(await setAuthorizationFlowScope(database.db, database.tables, narrowed)).toMatchObject({
        scope: 'vo:lhcb',
      });
      expect(await setAuthorizationFlowScope(database.db, database.tables, narrowed)).toBeUndefined();
      const loggedIn = { uuid, idToken: ID_TOKEN, notBefore: anHourAgo() };
      expect(await setAuthorizationFlowLoggedIn(database.db, database.tables, loggedIn)).toMatchObject({
        clientState: 'xyz',
        idToken: ID_TOKEN,
      });
      expect(await setAuthorizationFlowLoggedIn(database.db, database.tables, loggedIn)).toBeUndefined();
      const consent = await database.transaction(({ db: tx }) =>
        getAuthorizationFlowAwaitingConsentForUpdate(tx, database.tables, uuid, anHourAgo()),
      );
      expect(consent?.uuid).toBe(uuid);
    });

    it('deletes expired flows with their extras, and nothing newer', async () => {
      const { database } = t;
      const removed = await database.transaction(({ db: tx }) =>
        deleteExpiredFlows(tx, database.tables, new Date(Date.now() + 60_000)),
      );
      expect(removed).toEqual({ deviceFlows: 0, authorizationFlows: 3 });
      expect(await database.db.select().from(database.tables.authorizationFlowExtras)).toEqual([]);
      expect(await database.transaction(({ db: tx }) => deleteExpiredFlows(tx, database.tables, anHourAgo()))).toEqual({
        deviceFlows: 0,
        authorizationFlows: 0,
      });
    });
  });
}
