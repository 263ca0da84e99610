/**
 * DiracX's public discovery routes: the OpenID configuration (absolute endpoint URLs under the
 * configured issuer, scopes from the Registry), the JWKS (public halves of the verifying keys
 * only), installation metadata and security.txt; and `GET /api/auth/userinfo` for a token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { stageKey } from '../../src/logic/auth/tokens/keystore.ts';
import { TEST_ISSUER } from '../harness/auth.ts';
import { createTestApp, type TestApp } from '../harness/app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.dispose());

describe('GET /.well-known/openid-configuration', () => {
  it('describes our issuer and endpoints with absolute URLs under it, whatever host a request names', async () => {
    const res = await app.handler(new Request('https://diracx.example:8443/.well-known/openid-configuration'));
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: TEST_ISSUER,
      token_endpoint: `${TEST_ISSUER}/api/auth/token`,
      userinfo_endpoint: `${TEST_ISSUER}/api/auth/userinfo`,
      authorization_endpoint: `${TEST_ISSUER}/api/auth/authorize`,
      device_authorization_endpoint: `${TEST_ISSUER}/api/auth/device`,
      revocation_endpoint: `${TEST_ISSUER}/api/auth/revoke`,
      jwks_uri: `${TEST_ISSUER}/.well-known/jwks.json`,
      registration_endpoint: `${TEST_ISSUER}/api/auth/register`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
    expect(doc.grant_types_supported).toContain('urn:ietf:params:oauth:grant-type:device_code');
    expect(doc.grant_types_supported).toContain('client_credentials');
    expect(doc.token_endpoint_auth_methods_supported).toEqual([
      'none',
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
    ]);
  });

  it('lists VO and group scopes from the Registry, then every property', async () => {
    const doc = (await (await app.fetch('/.well-known/openid-configuration')).json()) as { scopes_supported: string[] };
    expect(doc.scopes_supported).toContain('vo:lhcb');
    expect(doc.scopes_supported).toContain('vo:gridpp');
    expect(doc.scopes_supported).toContain('group:lhcb_user');
    expect(doc.scopes_supported).toContain('group:gridpp_admin');
    expect(doc.scopes_supported).toContain('property:NormalUser');
    expect(doc.scopes_supported.indexOf('vo:lhcb')).toBeLessThan(doc.scopes_supported.indexOf('group:lhcb_user'));
  });
});

describe('GET /.well-known/jwks.json', () => {
  it('publishes public keys that verify our tokens, with no private members', async () => {
    const res = await app.fetch('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    const jwks = (await res.json()) as JSONWebKeySet;
    expect(jwks.keys.length).toBe(1);
    for (const key of jwks.keys)
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(member);
    const token = await app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen');
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: TEST_ISSUER });
    expect(payload.preferred_username).toBe('chaen');
  });

  it('publishes a staged key before it signs anything', async () => {
    const original = app.tokens.ring.keystore();
    const { keystore, kid } = await stageKey(original, 'RS256');
    app.tokens.ring.replace(keystore);
    try {
      const jwks = (await (await app.fetch('/.well-known/jwks.json')).json()) as JSONWebKeySet;
      expect(jwks.keys.map((k) => k.kid)).toContain(kid);
    } finally {
      app.tokens.ring.replace(original);
    }
  });
});

describe('GET /.well-known/dirac-metadata', () => {
  it('describes each VO: groups with sorted properties, support and default group', async () => {
    const res = await app.fetch('/.well-known/dirac-metadata');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      virtual_organizations: Record<
        string,
        { groups: Record<string, { properties: string[] }>; default_group: string; support: object }
      >;
    };
    expect(body.virtual_organizations.lhcb?.default_group).toBe('lhcb_user');
    expect(body.virtual_organizations.lhcb?.groups.lhcb_user?.properties).toEqual([
      'NormalUser',
      'PrivateLimitedDelegation',
    ]);
    expect(body.virtual_organizations.gridpp?.support).toEqual({
      message: 'Please contact system administrator',
      webpage: null,
      email: null,
    });
  });
});

describe('GET /.well-known/security.txt', () => {
  it('answers a JSON string with a contact line, as DiracX does', async () => {
    const res = await app.fetch('/.well-known/security.txt');
    expect(res.status).toBe(200);
    expect(await res.json()).toStartWith('Contact: ');
  });
});

describe('GET /api/auth/userinfo', () => {
  it('describes the bearer of the token', async () => {
    const token = await app.tokens.tokenFor('gridpp', 'gridpp_admin', 'gridppadmin');
    const res = await app.fetch('/api/auth/userinfo', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      sub: 'gridpp:337977a9-f00d-4792-9a5b-c7f7bffcae02',
      vo: 'gridpp',
      dirac_group: 'gridpp_admin',
      policies: {},
      properties: ['JobAdministrator'],
      preferred_username: 'gridppadmin',
    });
  });

  it('refuses an expired token', async () => {
    const token = await app.tokens.tokenFor('lhcb', 'lhcb_user', 'chaen', { lifetimeSeconds: -60 });
    const res = await app.fetch('/api/auth/userinfo', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
  });
});
