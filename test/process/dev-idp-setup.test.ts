/**
 * When the server runs the development identity provider (DIRACX_DEV_IDP, the configuration in
 * use, the issuer), and which URLs its login flows answer in process.
 */
import { describe, expect, it } from 'bun:test';
import { DEFAULT_CONFIG_PATH } from '../../src/config/file-source.ts';
import { decideDevIdp, devIdpFetch, isDevIdpUrl } from '../../src/process/dev-idp-setup.ts';

const LOOPBACK = 'http://localhost:8000';
const PUBLIC = 'https://diracx.example.org';

describe('decideDevIdp', () => {
  it('auto: on with the shipped configuration (unset, or its path), off with another', () => {
    expect(decideDevIdp('auto', undefined, LOOPBACK)).toEqual({
      on: true,
      reason: 'the shipped development configuration',
    });
    expect(decideDevIdp('auto', DEFAULT_CONFIG_PATH, 'http://127.0.0.1:9')).toMatchObject({ on: true });
    expect(decideDevIdp('auto', '/etc/diracx/config.yml', LOOPBACK)).toEqual({ on: false });
    expect(decideDevIdp('auto', '/etc/diracx/config.yml', PUBLIC)).toEqual({ on: false });
  });

  it('true: on with any configuration; false: never', () => {
    expect(decideDevIdp(true, '/etc/diracx/config.yml', 'http://[::1]:8000')).toEqual({
      on: true,
      reason: 'DIRACX_DEV_IDP=true',
    });
    expect(decideDevIdp(false, undefined, LOOPBACK)).toEqual({ on: false });
    expect(decideDevIdp(false, undefined, PUBLIC)).toEqual({ on: false });
  });

  it.each([PUBLIC, 'http://diracx.test.invalid', 'http://10.0.0.1:8000', 'http://localhost.example.org'])(
    'refuses when it would run with the issuer %s',
    (issuer) => {
      for (const [mode, path] of [
        ['auto', undefined],
        [true, '/etc/diracx/config.yml'],
      ] as const) {
        const decision = decideDevIdp(mode, path, issuer);
        expect('refused' in decision && decision.refused).toContain(`DIRACX_SERVICE_AUTH_TOKEN_ISSUER is ${issuer}`);
      }
    },
  );
});

describe('the login flows reach the provider in process', () => {
  it('answers loopback URLs under /dev-idp/ only', () => {
    expect(isDevIdpUrl(new URL('http://localhost:8000/dev-idp/lhcb/token'))).toBe(true);
    expect(isDevIdpUrl(new URL('http://127.0.0.1:1234/dev-idp/gridpp/.well-known/openid-configuration'))).toBe(true);
    expect(isDevIdpUrl(new URL('https://idp.example.org/dev-idp/lhcb/token'))).toBe(false);
    expect(isDevIdpUrl(new URL('http://localhost:8000/api/auth/token'))).toBe(false);
    expect(isDevIdpUrl(new URL('http://localhost:8000/dev-idpx/lhcb'))).toBe(false);
  });

  it('sends them to the handler and every other URL to the network fetch', async () => {
    const seen: string[] = [];
    const fetchLike = devIdpFetch(
      () => async (req) => {
        seen.push(`handler ${req.method} ${req.url}`);
        return new Response('ok');
      },
      async (input) => {
        seen.push(`network ${String(input)}`);
        return new Response('ok');
      },
    );
    await fetchLike('http://localhost:8000/dev-idp/lhcb/token', { method: 'POST', body: 'a=b' });
    await fetchLike('https://idp.example.org/.well-known/openid-configuration');
    expect(seen).toEqual([
      'handler POST http://localhost:8000/dev-idp/lhcb/token',
      'network https://idp.example.org/.well-known/openid-configuration',
    ]);
  });
});
