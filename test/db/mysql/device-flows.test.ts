/**
 * Device flows in DiracX's AuthDB on MariaDB, shared with DiracX 0.7.0: a flow DiracX started
 * (`dirac login`) we find by its user code and complete, and DiracX's poll sees it READY with the
 * ID token; a flow we started DiracX validates and completes, and we read it READY and mark it
 * DONE, which DiracX's poll sees. Needs MariaDB and DiracX's venv with aiomysql; skips without
 * them unless DIRACX_REQUIRE_MARIADB_TESTS=1 / DIRACX_REQUIRE_DIRACX_CLIENT_TESTS=1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  getDeviceFlowByDeviceCodeForUpdate,
  getPendingDeviceFlowByUserCode,
  insertDeviceFlow,
  setDeviceFlowReady,
  updateDeviceFlowStatus,
} from '../../../src/db/mysql/device-flows.ts';
import {
  callDiracxScript,
  stopDiracxScripts,
  createMysqlTestDatabase,
  type MysqlTestDatabase,
  diracxOnMariadb,
} from '../../harness/mariadb.ts';

const SCRIPT = join(import.meta.dir, 'diracx-device-flows.py');
const SCOPE = 'vo:lhcb group:lhcb_user';
const ID_TOKEN = { sub: 'b824d4dc', preferred_username: 'chaen', iss: 'https://idp.example.org' };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const shared = await diracxOnMariadb();

if (shared.skipReason) {
  describe('device flows shared with DiracX on MariaDB', () => {
    it.skip(`either server completes the other's flow (skipped: ${shared.skipReason})`, () => {});
  });
} else {
  describe('device flows shared with DiracX on MariaDB', () => {
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

    it('we complete the flow DiracX started, and its poll sees it READY with the ID token', async () => {
      const { database } = t;
      const [userCode = '', deviceCode = ''] = (await diracxAuth({
        op: 'start',
        client_id: 'myDIRACClientID',
        scope: SCOPE,
      })) as string[];
      const pending = await getPendingDeviceFlowByUserCode(database.db, database.tables, userCode, anHourAgo());
      expect(pending).toMatchObject({ status: 'PENDING', scope: SCOPE, deviceCode: sha256(deviceCode), idToken: null });
      const q = { userCode, idToken: ID_TOKEN, notBefore: anHourAgo() };
      expect(await setDeviceFlowReady(database.db, database.tables, q)).toBe(1);
      expect(await setDeviceFlowReady(database.db, database.tables, q)).toBe(0); // no longer pending
      expect(await diracxAuth({ op: 'poll', device_code: deviceCode })).toEqual({
        status: 'READY',
        client_id: 'myDIRACClientID',
        scope: SCOPE,
        id_token: ID_TOKEN,
      });
    });

    it('DiracX completes the flow we started; we read it READY and mark it DONE, which DiracX sees', async () => {
      const { database } = t;
      const flow = {
        userCode: 'ABCDEFGH',
        deviceCodeHash: sha256('our-device-code'),
        clientId: 'myDIRACClientID',
        scope: SCOPE,
        creationTime: new Date(),
      };
      expect(await insertDeviceFlow(database.db, database.tables, flow)).toBe('inserted');
      expect(await insertDeviceFlow(database.db, database.tables, flow)).toBe('duplicate');
      expect(await diracxAuth({ op: 'validate', user_code: 'ABCDEFGH' })).toBe(SCOPE);
      await diracxAuth({ op: 'ready', user_code: 'ABCDEFGH', id_token: ID_TOKEN });
      const ready = await database.transaction(({ db: tx }) =>
        getDeviceFlowByDeviceCodeForUpdate(tx, database.tables, flow.deviceCodeHash),
      );
      expect(ready).toMatchObject({ status: 'READY', idToken: ID_TOKEN });
      expect(await updateDeviceFlowStatus(database.db, database.tables, flow.deviceCodeHash, 'DONE')).toBe(1);
      expect(await diracxAuth({ op: 'poll', device_code: 'our-device-code' })).toMatchObject({ status: 'DONE' });
    });
  });
}
