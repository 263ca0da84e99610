/**
 * The token endpoint's dispatch and description: `grant_type` picks a grant from the registry
 * (anything else is a FastAPI-style 422), every grant's fields are in the OpenAPI form, and the
 * auth routes carry DiracX's operationIds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { TOKEN_GRANTS } from '../../../src/logic/auth/grants/registry.ts';
import { createTestApp, type TestApp } from '../../harness/app.ts';
import { FIXTURE_TIMEOUT_MS, form } from '../../harness/login.ts';

interface FormSchema {
  $ref?: string;
  properties: Record<string, { enum?: string[] }>;
  required?: string[];
}
interface Operation {
  operationId?: string;
  requestBody?: { content: Record<string, { schema: FormSchema }> };
}

let app: TestApp;
let paths: Record<string, Record<string, Operation>>;
let schemas: Record<string, FormSchema>;
beforeAll(async () => {
  app = await createTestApp();
  const doc = (await (await app.fetch('/api/openapi.json')).json()) as {
    paths: typeof paths;
    components: { schemas: typeof schemas };
  };
  paths = doc.paths;
  schemas = doc.components.schemas;
}, FIXTURE_TIMEOUT_MS);
afterAll(() => app.dispose(), FIXTURE_TIMEOUT_MS);

describe('POST /api/auth/token', () => {
  it('answers an unknown grant_type with 422, as a FastAPI literal does', async () => {
    const res = await app.fetch('/api/auth/token', form({ grant_type: 'password', client_id: 'x' }));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { detail: { loc: unknown[] }[] };
    expect(body.detail[0]?.loc).toEqual(['body', 'grant_type']);
  });

  it('answers a grant without its own required field with 422 naming it', async () => {
    const res = await app.fetch('/api/auth/token', form({ grant_type: 'refresh_token', client_id: 'x' }));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { detail: { loc: unknown[] }[] };
    expect(body.detail[0]?.loc).toEqual(['body', 'refresh_token']);
  });

  it("documents a form whose grant_type lists the registry's grants, DiracX's first, with every grant's fields", () => {
    const body = paths['/api/auth/token']?.post?.requestBody?.content['application/x-www-form-urlencoded']?.schema;
    // The form is a named component, as DiracX names it.
    expect(body?.$ref).toBe('#/components/schemas/Body_auth_get_oidc_token');
    const schema = schemas.Body_auth_get_oidc_token;
    expect(schema?.properties.grant_type?.enum).toEqual([...TOKEN_GRANTS.keys()]);
    expect([...TOKEN_GRANTS.keys()].slice(0, 3)).toEqual([
      'authorization_code',
      'urn:ietf:params:oauth:grant-type:device_code',
      'refresh_token',
    ]);
    for (const field of ['client_id', 'device_code', 'code', 'redirect_uri', 'code_verifier', 'refresh_token']) {
      expect(Object.keys(schema?.properties ?? {})).toContain(field);
    }
    expect(schema?.required).toEqual(['grant_type']);
  });
});

describe('auth routes in OpenAPI', () => {
  it.each([
    ['/api/auth/device', 'post', 'auth_initiate_device_flow'],
    ['/api/auth/device', 'get', 'auth_do_device_flow'],
    ['/api/auth/device/complete', 'get', 'auth_finish_device_flow'],
    ['/api/auth/device/complete/finished', 'get', 'auth_finished'],
    ['/api/auth/authorize', 'get', 'auth_initiate_authorization_flow'],
    ['/api/auth/authorize/complete', 'get', 'auth_complete_authorization_flow'],
    ['/api/auth/token', 'post', 'auth_get_oidc_token'],
    ['/api/auth/revoke', 'post', 'auth_revoke_refresh_token_by_refresh_token'],
    ['/api/auth/refresh-tokens', 'get', 'auth_get_refresh_tokens'],
    ['/api/auth/refresh-tokens/{jti}', 'delete', 'auth_revoke_refresh_token_by_jti'],
    ['/api/auth/legacy-exchange', 'get', 'auth_perform_legacy_exchange'],
  ])('documents %s %s as %s', (path, method, operationId) => {
    expect(paths[path]?.[method]?.operationId).toBe(operationId);
  });
});
