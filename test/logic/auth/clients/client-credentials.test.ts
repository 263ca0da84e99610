/**
 * The client_credentials grant in the logic layer: a registered service client gets a short
 * access token for its user and group with a secret or a single-use private_key_jwt assertion;
 * wrong secrets, unknown clients, replayed or misaddressed assertions and properties beyond
 * the group's are refused with OAuth errors. Also the configuration checks of service clients.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createLocalJWKSet, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { ConfigValidationError, parseConfig } from '../../../../src/config/parse.ts';
import {
  grantClientCredentials,
  JWT_BEARER_ASSERTION,
  type ClientCredentialsInput,
} from '../../../../src/logic/auth/clients/client-credentials.ts';
import { generateKeystore, publicJwks, type Keystore } from '../../../../src/logic/auth/tokens/keystore.ts';
import { createTestDatabase, type TestDatabase } from '../../../harness/database.ts';
import {
  ALBDR_SUB,
  CHAEN_SUB,
  createServiceClientFixture,
  JWT_CLIENT,
  SECRET_CLIENT,
  type ServiceClientFixture,
} from '../../../harness/service-clients.ts';

const ISSUER = 'https://diracx.example';
/** Our token endpoint as derived from the issuer: what assertions must name (or the issuer). */
const TOKEN_ENDPOINT = 'https://diracx.example/api/auth/token';

let fixture: ServiceClientFixture;
let keystore: Keystore;
let db: TestDatabase;
beforeAll(async () => {
  [fixture, keystore, db] = await Promise.all([createServiceClientFixture(), generateKeystore(), createTestDatabase()]);
});
afterAll(() => db.dispose());

const grant = (input: ClientCredentialsInput) =>
  grantClientCredentials(
    { config: fixture.config, keystore, issuer: ISSUER, database: db.database, now: new Date() },
    input,
  );

async function oauthErrorOf(promise: Promise<unknown>): Promise<{ code: string; error: string }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeDefined();
  return err as { code: string; error: string };
}

async function claimsOf(token: string): Promise<Record<string, unknown>> {
  const { payload } = await jwtVerify(token, createLocalJWKSet(publicJwks(keystore) as never), { issuer: ISSUER });
  return payload as Record<string, unknown>;
}

describe('grantClientCredentials with a client secret', () => {
  it('issues a short access token for the client user and group, without refresh token', async () => {
    const token = await grant({ clientId: SECRET_CLIENT, clientSecret: fixture.secret });
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 600 });
    expect(token).not.toHaveProperty('refresh_token');
    const claims = await claimsOf(token.access_token);
    expect(claims).toMatchObject({
      sub: `lhcb:${CHAEN_SUB}`,
      vo: 'lhcb',
      dirac_group: 'lhcb_user',
      preferred_username: 'chaen',
      dirac_properties: ['NormalUser', 'PrivateLimitedDelegation'],
      client_id: SECRET_CLIENT,
    });
  });

  it('issues a subset of the properties when the scope asks for one', async () => {
    const token = await grant({
      clientId: SECRET_CLIENT,
      clientSecret: fixture.secret,
      scope: 'vo:lhcb property:NormalUser',
    });
    expect((await claimsOf(token.access_token)).dirac_properties).toEqual(['NormalUser']);
  });

  it('refuses a wrong secret with invalid_client', async () => {
    expect(await oauthErrorOf(grant({ clientId: SECRET_CLIENT, clientSecret: 'guess' }))).toMatchObject({
      code: 'UNAUTHENTICATED',
      error: 'invalid_client',
    });
  });

  it('refuses an unknown client with invalid_client', async () => {
    expect(await oauthErrorOf(grant({ clientId: 'nobody', clientSecret: fixture.secret }))).toMatchObject({
      code: 'UNAUTHENTICATED',
      error: 'invalid_client',
    });
  });

  it('refuses a request without client authentication', async () => {
    expect(await oauthErrorOf(grant({}))).toMatchObject({ error: 'invalid_client' });
    expect(await oauthErrorOf(grant({ clientId: SECRET_CLIENT }))).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses properties beyond the group with invalid_scope', async () => {
    const err = await oauthErrorOf(
      grant({ clientId: SECRET_CLIENT, clientSecret: fixture.secret, scope: 'property:JobAdministrator' }),
    );
    expect(err).toMatchObject({ code: 'INVALID_INPUT', error: 'invalid_scope' });
  });

  it('refuses another VO or group in the scope with invalid_scope', async () => {
    for (const scope of ['vo:gridpp', 'group:lhcb_admin', 'openid']) {
      expect(await oauthErrorOf(grant({ clientId: SECRET_CLIENT, clientSecret: fixture.secret, scope }))).toMatchObject(
        { error: 'invalid_scope' },
      );
    }
  });
});

describe('grantClientCredentials with private_key_jwt', () => {
  const withAssertion = (assertion: string) =>
    grant({ clientAssertionType: JWT_BEARER_ASSERTION, clientAssertion: assertion });

  it('issues a token for an assertion addressed to the token endpoint', async () => {
    const token = await withAssertion(await fixture.assertion(TOKEN_ENDPOINT));
    expect(token.expires_in).toBe(300);
    expect(await claimsOf(token.access_token)).toMatchObject({
      sub: `lhcb:${ALBDR_SUB}`,
      dirac_properties: ['NormalUser'],
      client_id: JWT_CLIENT,
    });
  });

  it('accepts the issuer as audience too', async () => {
    expect((await withAssertion(await fixture.assertion(ISSUER))).token_type).toBe('Bearer');
  });

  it('refuses a replayed assertion', async () => {
    const assertion = await fixture.assertion(TOKEN_ENDPOINT);
    await withAssertion(assertion);
    expect(await oauthErrorOf(withAssertion(assertion))).toMatchObject({
      code: 'UNAUTHENTICATED',
      error: 'invalid_client',
    });
  });

  it('refuses an assertion for another audience, an expired one and one living too long', async () => {
    for (const assertion of [
      await fixture.assertion('https://elsewhere.example/token'),
      await fixture.assertion(TOKEN_ENDPOINT, { expiresInSeconds: -60 }),
      await fixture.assertion(TOKEN_ENDPOINT, { expiresInSeconds: 3600 }),
    ]) {
      expect(await oauthErrorOf(withAssertion(assertion))).toMatchObject({ error: 'invalid_client' });
    }
  });

  it('refuses an assertion signed by a key the client did not register', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: fixture.kid })
      .setIssuer(JWT_CLIENT)
      .setSubject(JWT_CLIENT)
      .setAudience(TOKEN_ENDPOINT)
      .setJti(crypto.randomUUID())
      .setExpirationTime('1m')
      .sign(privateKey);
    expect(await oauthErrorOf(withAssertion(forged))).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses properties beyond what the client was registered with', async () => {
    const err = await oauthErrorOf(
      grant({
        clientAssertionType: JWT_BEARER_ASSERTION,
        clientAssertion: await fixture.assertion(TOKEN_ENDPOINT),
        scope: 'property:PrivateLimitedDelegation',
      }),
    );
    expect(err).toMatchObject({ error: 'invalid_scope' });
  });

  it('refuses a secret for a client that only has keys, and mixing both methods', async () => {
    expect(await oauthErrorOf(grant({ clientId: JWT_CLIENT, clientSecret: fixture.secret }))).toMatchObject({
      error: 'invalid_client',
    });
    const both = grant({
      clientSecret: fixture.secret,
      clientAssertionType: JWT_BEARER_ASSERTION,
      clientAssertion: await fixture.assertion(TOKEN_ENDPOINT),
    });
    expect(await oauthErrorOf(both)).toMatchObject({ error: 'invalid_request' });
  });
});

describe('service clients in the configuration', () => {
  const withClient = (client: Record<string, unknown>): unknown => {
    const raw = structuredClone(fixture.raw) as { Registry: Record<string, Record<string, unknown>> };
    raw.Registry.gridpp!.ServiceClients = { bad: client };
    return raw;
  };

  it.each([
    [
      'a subject that is not a user of the VO',
      { Subject: CHAEN_SUB, Group: 'gridpp_user', ClientSecretHash: 'pbkdf2-sha256$1$a$b' },
      'ServiceClients.bad.Subject',
    ],
    [
      'a subject outside the group',
      {
        Subject: '784f55a0-1e9a-4376-9f02-720b1fcf6984',
        Group: 'gridpp_admin',
        ClientSecretHash: 'pbkdf2-sha256$1$a$b',
      },
      'ServiceClients.bad.Group',
    ],
    [
      'properties beyond the group',
      {
        Subject: '784f55a0-1e9a-4376-9f02-720b1fcf6984',
        Group: 'gridpp_user',
        Properties: ['JobAdministrator'],
        ClientSecretHash: 'pbkdf2-sha256$1$a$b',
      },
      'ServiceClients.bad.Properties',
    ],
    [
      'no way to authenticate',
      { Subject: '784f55a0-1e9a-4376-9f02-720b1fcf6984', Group: 'gridpp_user' },
      'ServiceClients.bad',
    ],
    [
      'a private key in its JWKS',
      {
        Subject: '784f55a0-1e9a-4376-9f02-720b1fcf6984',
        Group: 'gridpp_user',
        JWKS: { keys: [{ kty: 'EC', d: 'secret' }] },
      },
      'ServiceClients.bad.JWKS',
    ],
  ])('refuses %s', (_name, client, path) => {
    let error: unknown;
    try {
      parseConfig(withClient(client));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).message).toContain(`Registry.gridpp.${path}`);
  });
});
