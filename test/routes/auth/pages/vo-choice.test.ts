/**
 * The VO and group choice page: hostile names only ever escaped, a GET form to the given
 * action carrying the hidden fields, one labelled radio per VO/group with the default first,
 * marked and (for the first VO) preselected, and `parseVoChoice` accepting only what was offered.
 */
import { describe, expect, it } from 'bun:test';
import {
  parseVoChoice,
  renderVoChoicePage,
  VO_CHOICE_FIELD,
  voChoiceValue,
  type VoChoicePageOptions,
  type VoOption,
} from '../../../../src/routes/auth/pages/vo-choice.ts';
import { byTag, danglingDescriptions, HOSTILE, parse, unlabelledControls } from './inspect.ts';

const NONCE = 'AAAAAAAAAAAAAAAAAAAAAA';
const VOS: VoOption[] = [
  { name: 'lhcb', groups: ['lhcb_prmgr', 'lhcb_user'], defaultGroup: 'lhcb_user' },
  { name: 'dteam', groups: [] },
];

function options(overrides: Partial<VoChoicePageOptions> = {}): VoChoicePageOptions {
  return {
    clientName: 'Claude',
    clientHost: 'claude.ai',
    vos: VOS,
    action: '/api/auth/authorize',
    hidden: { client_id: 'c-1', redirect_uri: 'https://claude.ai/api/mcp/auth_callback', state: 'a&b"c' },
    nonce: NONCE,
    ...overrides,
  };
}

describe('renderVoChoicePage', () => {
  it('names the client that asked in the heading and says where the browser returns', async () => {
    const parsed = await parse(renderVoChoicePage(options()));
    expect(parsed.text).toContain('Sign in for “Claude”');
    expect(parsed.text).toContain('sent back to claude.ai');
    expect(parsed.text).not.toContain('not verified');
    const unverified = await parse(renderVoChoicePage(options({ unverifiedClient: true })));
    expect(unverified.text).toContain('name not verified');
  });

  it('escapes hostile client names, hosts, VOs, groups, hidden fields and errors', async () => {
    for (const evil of HOSTILE) {
      const doc = renderVoChoicePage(
        options({
          clientName: evil,
          clientHost: evil,
          vos: [{ name: evil, groups: [evil], defaultGroup: evil }],
          hidden: { [evil]: evil },
          error: evil,
        }),
      );
      expect(doc).not.toMatch(/<script|<img|<svg|<\/style>[^\n]*<script/i);
      const parsed = await parse(doc);
      expect(byTag(parsed, 'script')).toEqual([]);
      expect(parsed.elements.filter((e) => Object.keys(e.attrs).some((a) => a.startsWith('on')))).toEqual([]);
      expect(parsed.text).toContain(`“${evil}”`);
      expect(byTag(parsed, 'input').find((i) => i.attrs.type === 'hidden')?.attrs).toEqual({
        type: 'hidden',
        name: evil,
        value: evil,
      });
    }
  });

  it('is one GET form to the action, carrying the hidden fields', async () => {
    const parsed = await parse(renderVoChoicePage(options()));
    expect(byTag(parsed, 'form').map((f) => f.attrs)).toEqual([{ method: 'get', action: '/api/auth/authorize' }]);
    const hidden = byTag(parsed, 'input').filter((i) => i.attrs.type === 'hidden');
    expect(hidden.map((i) => [i.attrs.name, i.attrs.value])).toEqual([
      ['client_id', 'c-1'],
      ['redirect_uri', 'https://claude.ai/api/mcp/auth_callback'],
      ['state', 'a&b"c'],
    ]);
    expect(byTag(parsed, 'button').map((b) => b.attrs.type)).toEqual(['submit']);
  });

  it('offers one labelled radio per group, fieldsets per VO, the default first, marked and preselected', async () => {
    const parsed = await parse(renderVoChoicePage(options()));
    expect(unlabelledControls(parsed)).toEqual([]);
    expect(danglingDescriptions(parsed)).toEqual([]);
    expect(byTag(parsed, 'fieldset')).toHaveLength(2);
    expect(byTag(parsed, 'legend')).toHaveLength(2);
    const radios = byTag(parsed, 'input').filter((i) => i.attrs.type === 'radio');
    expect(radios.map((r) => r.attrs.value)).toEqual(['lhcb/lhcb_user', 'lhcb/lhcb_prmgr', 'dteam']);
    expect(radios.every((r) => r.attrs.name === VO_CHOICE_FIELD)).toBe(true);
    expect(radios.map((r) => 'checked' in r.attrs)).toEqual([true, false, false]);
    expect(parsed.text).toContain('lhcb_user (default group)');
    expect(parsed.text).toContain('Default group');
    expect(parsed.text).toContain("You will log in at that VO's identity provider next");
  });

  it('shows an error as an alert when given one', async () => {
    const parsed = await parse(renderVoChoicePage(options({ error: 'Choose one of the VOs offered.' })));
    expect(parsed.elements.some((e) => e.attrs.role === 'alert')).toBe(true);
    expect(parsed.text).toContain('Choose one of the VOs offered.');
  });

  it('refuses unsafe or query-carrying actions, reserved hidden names and an empty VO list', () => {
    for (const action of [
      'javascript:alert(1)',
      '//evil.example/x',
      '/\\evil.example',
      'relative',
      '/a?b=1',
      'https://x.example/a#f',
    ]) {
      expect(() => renderVoChoicePage(options({ action }))).toThrow(TypeError);
    }
    expect(() =>
      renderVoChoicePage(options({ action: 'https://diracx.example.org/api/auth/authorize' })),
    ).not.toThrow();
    expect(() => renderVoChoicePage(options({ hidden: { [VO_CHOICE_FIELD]: 'x' } }))).toThrow(TypeError);
    expect(() => renderVoChoicePage(options({ vos: [] }))).toThrow(TypeError);
  });
});

describe('parseVoChoice', () => {
  it('reads back every value the page offers', async () => {
    const parsed = await parse(renderVoChoicePage(options()));
    const values = byTag(parsed, 'input')
      .filter((i) => i.attrs.type === 'radio')
      .map((r) => r.attrs.value);
    expect(values.map((v) => parseVoChoice(v, VOS))).toEqual([
      { vo: 'lhcb', group: 'lhcb_user' },
      { vo: 'lhcb', group: 'lhcb_prmgr' },
      { vo: 'dteam', group: undefined },
    ]);
  });

  it('refuses what was not offered', () => {
    for (const bad of [undefined, null, '', 'lhcb', 'lhcb/other', 'dteam/x', 'other/lhcb_user', 'lhcb%2Flhcb_user']) {
      expect(parseVoChoice(bad, VOS)).toBeUndefined();
    }
  });

  it('is unambiguous for names holding / and %', () => {
    const vos: VoOption[] = [
      { name: 'a/b', groups: ['c'], defaultGroup: 'c' },
      { name: 'a', groups: ['b/c'], defaultGroup: 'b/c' },
      { name: '%', groups: ['%2F'] },
    ];
    expect(parseVoChoice(voChoiceValue('a/b', 'c'), vos)).toEqual({ vo: 'a/b', group: 'c' });
    expect(parseVoChoice(voChoiceValue('a', 'b/c'), vos)).toEqual({ vo: 'a', group: 'b/c' });
    expect(parseVoChoice(voChoiceValue('%', '%2F'), vos)).toEqual({ vo: '%', group: '%2F' });
    expect(parseVoChoice('a/b/c', vos)).toBeUndefined();
  });
});
