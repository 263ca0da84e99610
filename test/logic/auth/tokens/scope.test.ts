/**
 * The OAuth scope grammar on the shipped configuration (DiracX's `test_parse_scopes` and
 * `test_parse_scopes_invalid` tables, adapted to `default.yml`), with DiracX's error messages,
 * and the token-time checks of whether a user may hold a parsed scope.
 */
import { beforeAll, describe, expect, it } from 'bun:test';
import { parseConfig } from '../../../../src/config/parse.ts';
import { SECURITY_PROPERTIES } from '../../../../src/config/properties.ts';
import type { Config } from '../../../../src/config/schema.ts';
import {
  allowedUserProperties,
  checkUserMayUseScope,
  parseAndValidateScope,
  type ParsedScope,
} from '../../../../src/logic/auth/tokens/scope.ts';

const AVAILABLE: ReadonlySet<string> = new Set(SECURITY_PROPERTIES);
const CHAEN = 'b824d4dc-1f9d-4ee8-8df5-c0ae55d46041';
const ALBDR = 'c935e5ed-2g0e-5ff9-9eg6-d1bf66e57152';
const LHCBADMIN = 'd44d615d-d300-4a2c-9888-118f5b831ccc';
const ALICE = '784f55a0-1e9a-4376-9f02-720b1fcf6984';

let config: Config;
beforeAll(async () => {
  const path = new URL('../../../../src/config/default.yml', import.meta.url);
  config = parseConfig(Bun.YAML.parse(await Bun.file(path).text()));
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an exception');
}

describe('parseAndValidateScope', () => {
  const valid: [string, ParsedScope][] = [
    // A VO alone gives its default group with that group's properties.
    ['vo:lhcb', { vo: 'lhcb', group: 'lhcb_user', properties: ['NormalUser', 'PrivateLimitedDelegation'] }],
    ['vo:gridpp', { vo: 'gridpp', group: 'gridpp_user', properties: ['NormalUser', 'PrivateLimitedDelegation'] }],
    // A group gives that group's properties.
    ['vo:lhcb group:lhcb_admin', { vo: 'lhcb', group: 'lhcb_admin', properties: ['JobAdministrator'] }],
    // Extra properties are added on top; whether the user may have them is checked later.
    [
      'vo:lhcb property:ProxyManagement',
      { vo: 'lhcb', group: 'lhcb_user', properties: ['NormalUser', 'PrivateLimitedDelegation', 'ProxyManagement'] },
    ],
    [
      'vo:lhcb group:lhcb_admin property:ProductionManagement',
      { vo: 'lhcb', group: 'lhcb_admin', properties: ['JobAdministrator', 'ProductionManagement'] },
    ],
    // Order does not matter, repeats collapse, and a property the group has is not listed twice.
    [
      'property:NormalUser group:lhcb_prmgr vo:lhcb vo:lhcb',
      { vo: 'lhcb', group: 'lhcb_prmgr', properties: ['NormalUser', 'ProductionManagement'] },
    ],
  ];
  for (const [scope, expected] of valid) {
    it(`parses "${scope}"`, () => {
      expect(parseAndValidateScope(scope, config, AVAILABLE)).toEqual(expected);
    });
  }

  const invalid: [string, string][] = [
    ['group:lhcb_user undefinedscope:undefined', "Unrecognised scopes: ['undefinedscope:undefined']"],
    ['vo:lhcb foo bar', "Unrecognised scopes: ['foo', 'bar']"],
    ['', "Unrecognised scopes: ['']"],
    ['vo:lhcb  group:lhcb_user', "Unrecognised scopes: ['']"],
    ["vo:lhcb it's", 'Unrecognised scopes: ["it\'s"]'],
    ['vo:lhcb group:lhcb_user property:undefined_property', "{'undefined_property'} are not valid properties"],
    ['vo:lhcb property:B property:A', "{'B', 'A'} are not valid properties"],
    ['vo:lhcb property:__proto__', "{'__proto__'} are not valid properties"],
    ['group:lhcb_user', "No vo scope requested, available values: 'vo:lhcb' 'vo:gridpp'"],
    ['vo:lhcb vo:gridpp group:lhcb_user group:lhcb_admin', "Only one vo is allowed but got ['lhcb', 'gridpp']"],
    ['vo:cta', 'VO cta is not known to this installation'],
    ['vo:constructor', 'VO constructor is not known to this installation'],
    ['vo:lhcb group:lhcb_user group:lhcb_admin', "Only one DIRAC group allowed but got ['lhcb_user', 'lhcb_admin']"],
    ['vo:lhcb group:gridpp_user', 'gridpp_user not in lhcb groups'],
    ['vo:lhcb group:toString', 'toString not in lhcb groups'],
  ];
  for (const [scope, message] of invalid) {
    it(`rejects "${scope}" with DiracX's message`, () => {
      const err = thrown(() => parseAndValidateScope(scope, config, AVAILABLE));
      expect(err).toMatchObject({ code: 'INVALID_INPUT' });
      expect(err).toMatchObject({ message });
    });
  }

  it('rejects a group property the installation does not know', () => {
    const custom = structuredClone(config);
    custom.Registry.lhcb!.Groups.lhcb_user!.Properties.push('GubbinsAdmin');
    const err = thrown(() => parseAndValidateScope('vo:lhcb', custom, AVAILABLE));
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    expect(err).toMatchObject({ message: "{'GubbinsAdmin'} are not valid properties" });
    const extended = new Set([...AVAILABLE, 'GubbinsAdmin']);
    expect(parseAndValidateScope('vo:lhcb', custom, extended).properties).toContain('GubbinsAdmin');
  });
});

describe('allowedUserProperties', () => {
  it('unites the properties of every group of the VO that lists the user', () => {
    expect(allowedUserProperties(config, 'lhcb', CHAEN)).toEqual(
      new Set(['NormalUser', 'PrivateLimitedDelegation', 'ProductionManagement']),
    );
    expect(allowedUserProperties(config, 'lhcb', ALBDR)).toEqual(new Set(['NormalUser', 'PrivateLimitedDelegation']));
  });

  it('is empty for a user of another VO, an unknown user and an unknown VO', () => {
    expect(allowedUserProperties(config, 'lhcb', ALICE).size).toBe(0);
    expect(allowedUserProperties(config, 'lhcb', 'nobody').size).toBe(0);
    expect(allowedUserProperties(config, 'cta', CHAEN).size).toBe(0);
  });
});

describe('checkUserMayUseScope', () => {
  const parse = (scope: string): ParsedScope => parseAndValidateScope(scope, config, AVAILABLE);

  it("returns the user's preferred username when the user may hold the scope", () => {
    expect(checkUserMayUseScope(config, parse('vo:lhcb'), CHAEN)).toEqual({ preferredUsername: 'chaen' });
    const prmgr = parse('vo:lhcb group:lhcb_prmgr');
    expect(checkUserMayUseScope(config, prmgr, CHAEN)).toEqual({ preferredUsername: 'chaen' });
    expect(checkUserMayUseScope(config, parse('vo:gridpp'), ALICE)).toEqual({ preferredUsername: 'alice' });
  });

  it('allows extra properties that another group of the user grants', () => {
    const scope = parse('vo:lhcb property:ProductionManagement');
    expect(checkUserMayUseScope(config, scope, CHAEN)).toEqual({ preferredUsername: 'chaen' });
  });

  const denied: { why: string; scope: string; sub: string; message: string }[] = [
    { why: 'an unknown user', scope: 'vo:lhcb', sub: 'nobody', message: 'User nobody is not registered in VO lhcb' },
    {
      why: 'a user of another VO',
      scope: 'vo:lhcb',
      sub: ALICE,
      message: `User ${ALICE} is not registered in VO lhcb`,
    },
    {
      why: 'a sub named like an Object prototype member',
      scope: 'vo:lhcb',
      sub: 'constructor',
      message: 'User constructor is not registered in VO lhcb',
    },
    {
      why: 'a group the user is not a member of',
      scope: 'vo:lhcb group:lhcb_prmgr',
      sub: ALBDR,
      message: 'User is not a member of the requested group (albdr, lhcb_prmgr)',
    },
    {
      why: 'the default group when the user is not a member of it',
      scope: 'vo:lhcb',
      sub: LHCBADMIN,
      message: 'User is not a member of the requested group (lhcbadmin, lhcb_user)',
    },
    {
      why: 'a property no group of the user grants',
      scope: 'vo:lhcb property:ProductionManagement',
      sub: ALBDR,
      message:
        'ProductionManagement are not valid properties for user albdr, ' +
        'available values: NormalUser PrivateLimitedDelegation',
    },
    {
      why: 'several properties no group of the user grants, listing them all',
      scope: 'vo:lhcb group:lhcb_admin property:ProxyManagement property:JobMonitor',
      sub: LHCBADMIN,
      message:
        'JobMonitor ProxyManagement are not valid properties for user lhcbadmin, ' +
        'available values: JobAdministrator',
    },
  ];
  for (const { why, scope, sub, message } of denied) {
    it(`denies ${why}`, () => {
      const err = thrown(() => checkUserMayUseScope(config, parse(scope), sub));
      expect(err).toMatchObject({ code: 'FORBIDDEN' });
      expect(err).toMatchObject({ message });
    });
  }
});
