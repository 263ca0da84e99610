/**
 * The development identity provider's login page: every user offered as a labelled radio (the
 * first preselected), hostile names and fields only ever escaped, the statement that there is no
 * password, one POST form carrying the request and the CSRF token, and `readDevLoginChoice`
 * accepting only a subject that was offered.
 */
import { describe, expect, it } from 'bun:test';
import {
  DEV_LOGIN_USER_FIELD,
  type DevLoginPageOptions,
  readDevLoginChoice,
  renderDevLoginPage,
} from '../../../../src/routes/auth/pages/dev-login.ts';
import { byTag, danglingDescriptions, HOSTILE, parse, unlabelledControls } from './inspect.ts';

const NONCE = 'AAAAAAAAAAAAAAAAAAAAAA';
const USERS = [
  { sub: 'sub-chaen', username: 'chaen', groups: ['lhcb_prmgr', 'lhcb_user'] },
  { sub: 'sub-pilot', username: 'lhcbpilot', groups: [] },
];

function options(overrides: Partial<DevLoginPageOptions> = {}): DevLoginPageOptions {
  return {
    vo: 'lhcb',
    users: USERS,
    csrfToken: '123.token',
    action: '/dev-idp/lhcb/authorize',
    hidden: { client_id: 'diracx-dev-lhcb', state: 'a&b"c' },
    nonce: NONCE,
    ...overrides,
  };
}

describe('renderDevLoginPage', () => {
  it('offers each user with their groups, the first preselected, and says there is no password', async () => {
    const parsed = await parse(renderDevLoginPage(options()));
    expect(parsed.text).toContain('no password');
    expect(parsed.text).toContain('chaen (lhcb_prmgr, lhcb_user)');
    expect(parsed.text).toContain('lhcbpilot (no group)');
    const radios = byTag(parsed, 'input').filter((i) => i.attrs.type === 'radio');
    expect(radios.map((r) => [r.attrs.name, r.attrs.value, 'checked' in r.attrs])).toEqual([
      [DEV_LOGIN_USER_FIELD, 'sub-chaen', true],
      [DEV_LOGIN_USER_FIELD, 'sub-pilot', false],
    ]);
    expect(unlabelledControls(parsed)).toEqual([]);
    expect(danglingDescriptions(parsed)).toEqual([]);
  });

  it('is one POST form to the action carrying the request and the CSRF token', async () => {
    const parsed = await parse(renderDevLoginPage(options()));
    expect(byTag(parsed, 'form').map((f) => [f.attrs.method, f.attrs.action])).toEqual([
      ['post', '/dev-idp/lhcb/authorize'],
    ]);
    const hidden = byTag(parsed, 'input').filter((i) => i.attrs.type === 'hidden');
    expect(hidden.map((i) => [i.attrs.name, i.attrs.value])).toEqual([
      ['client_id', 'diracx-dev-lhcb'],
      ['state', 'a&b"c'],
      ['csrf_token', '123.token'],
    ]);
    expect(byTag(parsed, 'script')).toEqual([]);
  });

  it.each(HOSTILE)('escapes a hostile user name, subject, VO and field: %s', async (hostile) => {
    const page = renderDevLoginPage(
      options({ vo: hostile, users: [{ sub: hostile, username: hostile, groups: [hostile] }], hidden: { x: hostile } }),
    );
    expect(page).not.toContain(hostile);
    const parsed = await parse(page);
    expect(byTag(parsed, 'script')).toEqual([]);
    expect(byTag(parsed, 'img')).toEqual([]);
    expect(byTag(parsed, 'svg')).toEqual([]);
    expect(parsed.text).toContain(hostile);
  });

  it('says so when the VO has no user, and offers no button', async () => {
    const parsed = await parse(renderDevLoginPage(options({ users: [] })));
    expect(parsed.text).toContain('lists no user');
    expect(byTag(parsed, 'button')).toEqual([]);
  });

  it('refuses hidden fields that would shadow its own and a javascript: action', () => {
    expect(() => renderDevLoginPage(options({ hidden: { sub: 'x' } }))).toThrow(TypeError);
    expect(() => renderDevLoginPage(options({ hidden: { csrf_token: 'x' } }))).toThrow(TypeError);
    expect(() => renderDevLoginPage(options({ action: 'javascript:alert(1)' }))).toThrow(TypeError);
  });
});

describe('readDevLoginChoice', () => {
  it('accepts only a subject that was offered', () => {
    expect(readDevLoginChoice('sub-chaen', USERS)).toBe('sub-chaen');
    for (const value of ['sub-other', '', undefined, ['sub-chaen'], 'SUB-CHAEN']) {
      expect(readDevLoginChoice(value, USERS)).toBeUndefined();
    }
  });
});
