/**
 * The DiracX configuration schema: the shipped and upstream-test configs
 * parse, defaults and Operations merging match upstream, strictness and
 * error paths, sorted set serialisation, and the registry lookups.
 */
import { describe, it, expect } from 'bun:test';
import { ConfigValidationError, parseConfig } from '../../src/config/parse.ts';
import { isSecurityProperty, SECURITY_PROPERTIES } from '../../src/config/properties.ts';
import { idpServerMetadataUrl, subFromPreferredUsername } from '../../src/config/schema.ts';

async function loadYaml(relative: string): Promise<unknown> {
  return Bun.YAML.parse(await Bun.file(new URL(relative, import.meta.url)).text());
}

/** A minimal valid one-VO document; `extra` is spread over the top level. */
function minimal(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    DIRAC: {},
    Registry: {
      lhcb: {
        IdP: { URL: 'https://idp.invalid/lhcb', ClientID: 'c' },
        DefaultGroup: 'lhcb_user',
        Users: { 'sub-a': { PreferedUsername: 'chaen' }, 'sub-b': { PreferedUsername: 'albdr' } },
        Groups: { lhcb_user: { Properties: ['NormalUser'], Users: ['sub-b', 'sub-a'] } },
      },
    },
    ...extra,
  };
}

function errorOf(fn: () => unknown): ConfigValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigValidationError) return e;
    throw e;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('shipped default.yml', () => {
  it('parses and has two VOs each with user, admin and pilot groups and two users', async () => {
    const config = parseConfig(await loadYaml('../../src/config/default.yml'));
    const vos = Object.keys(config.Registry);
    expect(vos).toEqual(expect.arrayContaining(['lhcb', 'gridpp']));
    for (const vo of vos) {
      const registry = config.Registry[vo]!;
      const groups = Object.values(registry.Groups);
      for (const prop of ['NormalUser', 'JobAdministrator', 'GenericPilot']) {
        expect(groups.some((g) => g.Properties.includes(prop))).toBe(true);
      }
      expect(groups.find((g) => g.Properties.includes('JobAdministrator'))!.Properties).toEqual(['JobAdministrator']);
      expect(registry.Groups[registry.DefaultGroup]!.Properties).toContain('NormalUser');
      expect(registry.Groups[registry.DefaultGroup]!.Users.length).toBeGreaterThanOrEqual(2);
      expect(config.Operations[vo]!.JobDescription.MaxInputData).toBe(100);
    }
    expect(subFromPreferredUsername(config.Registry.lhcb!, 'chaen')).toBe('b824d4dc-1f9d-4ee8-8df5-c0ae55d46041');
  });
});

describe('upstream test CS', () => {
  it('parses and fills in the defaults', async () => {
    const config = parseConfig(await loadYaml('../fixtures/config/diracx-test-cs.yml'));
    const ops = config.Operations.lhcb!;
    expect(ops.JobDescription.MaxInputData).toBe(100);
    expect(ops.JobDescription.AllowedJobTypes).toEqual(['User', 'Test', 'Hospital']);
    expect(ops.Services.JobScheduling.MaxRescheduling).toBe(3);
    expect(ops.Services.JobMonitoring.GlobalJobsInfo).toBe(true);
    expect(ops.InputDataPolicy.Protocols).toEqual({ Remote: [], Local: [] });
    expect(ops.Cloud).toBeNull();
    const lhcb = config.Registry.lhcb!;
    expect(lhcb.DefaultProxyLifeTime).toBe(432000);
    expect(lhcb.Support.Message).toBe('Please contact system administrator');
    expect(lhcb.Groups.lhcb_user!.JobShare).toBe(1000);
    expect(lhcb.Users['b824d4dc-1f9d-4ee8-8df5-c0ae55d46041']).toEqual({
      PreferedUsername: 'chaen',
      DNs: [],
      Email: null,
      Suspended: [],
      Quota: null,
    });
    expect(config.DIRAC).toEqual({ NoSetup: false });
    expect(config.Resources).toEqual({ Computing: { OSCompatibility: {} } });
    expect(config.LocalSite).toBeNull();
    expect((config.Systems as { WorkloadManagement: unknown }).WorkloadManagement).toBeDefined();
  });
});

describe('Operations', () => {
  it('merges Defaults recursively into every VO entry, a VO override wins, and drops Defaults', () => {
    const raw = minimal({
      Operations: {
        Defaults: { JobDescription: { MaxInputData: 5, MaxPriority: 7 }, Pilot: { a: 1, b: 2 } },
        lhcb: { JobDescription: { MaxInputData: 9 }, Pilot: { b: 3 } },
        Other: {},
      },
    });
    const config = parseConfig(raw);
    expect(Object.keys(config.Operations).sort()).toEqual(['Other', 'lhcb']);
    const ops = config.Operations.lhcb!;
    expect(ops.JobDescription.MaxInputData).toBe(9);
    expect(ops.JobDescription.MaxPriority).toBe(7);
    expect(ops.Pilot).toEqual({ a: 1, b: 3 });
    expect(config.Operations.Other!.JobDescription.MaxInputData).toBe(100);
    expect((raw.Operations as Record<string, unknown>).Defaults).toBeDefined();
  });

  it('creates an entry for every Registry VO when Operations is absent', () => {
    const config = parseConfig(minimal());
    expect(config.Operations.lhcb!.Services.JobScheduling.MaxRescheduling).toBe(3);
  });

  it('reports an invalid Defaults key under the VO it was merged into', () => {
    const err = errorOf(() => parseConfig(minimal({ Operations: { Defaults: { Bogus: 1 } } })));
    expect(err.issues[0]!.path).toBe('Operations.lhcb.Bogus');
  });
});

describe('strictness', () => {
  it('rejects an unknown key in a forbid model and names its dotted path', () => {
    const raw = minimal();
    const lhcb = (raw.Registry as Record<string, Record<string, unknown>>).lhcb!;
    (lhcb.Groups as Record<string, Record<string, unknown>>).lhcb_user!.Colour = 'blue';
    const err = errorOf(() => parseConfig(raw));
    expect(err.issues).toEqual([{ path: 'Registry.lhcb.Groups.lhcb_user.Colour', message: expect.any(String) }]);
    expect(err.message.split('\n')[0]).toStartWith('Registry.lhcb.Groups.lhcb_user.Colour: ');
  });

  it('rejects a wrong type and names the path, one line per issue', () => {
    const raw = minimal({ DIRAC: { NoSetup: 'maybe' } });
    const lhcb = (raw.Registry as Record<string, Record<string, unknown>>).lhcb!;
    (lhcb.Groups as Record<string, Record<string, unknown>>).lhcb_user!.Properties = [42];
    const err = errorOf(() => parseConfig(raw));
    expect(err.message.split('\n').map((l) => l.split(':')[0])).toEqual([
      'DIRAC.NoSetup',
      'Registry.lhcb.Groups.lhcb_user.Properties.0',
    ]);
  });

  it('reports missing required sections as Field required', () => {
    const err = errorOf(() => parseConfig({ Registry: {} }));
    expect(err.issues).toEqual([{ path: 'DIRAC', message: 'Field required' }]);
  });

  it('drops unknown keys in the ignore models (Resources, InputDataPolicy)', () => {
    const config = parseConfig(
      minimal({
        Resources: { Sites: { x: 1 }, Computing: { CEs: {} } },
        Operations: { Defaults: { InputDataPolicy: { Custom: 'x' } } },
      }),
    );
    expect(config.Resources).toEqual({ Computing: { OSCompatibility: {} } });
    expect('Custom' in config.Operations.lhcb!.InputDataPolicy).toBe(false);
  });

  it('passes Any fields through unchanged', () => {
    const config = parseConfig(minimal({ LogLevel: 'DEBUG', WebApp: { a: [1] }, Systems: null }));
    expect(config.LogLevel).toBe('DEBUG');
    expect(config.WebApp).toEqual({ a: [1] });
    expect(config.Systems).toBeNull();
  });

  it('coerces scalars as pydantic lax mode does', () => {
    const config = parseConfig(
      minimal({ DIRAC: { NoSetup: 'yes' }, Operations: { lhcb: { JobDescription: { MaxInputData: '7' } } } }),
    );
    expect(config.DIRAC.NoSetup).toBe(true);
    expect(config.Operations.lhcb!.JobDescription.MaxInputData).toBe(7);
    expect(() => parseConfig(minimal({ Operations: { lhcb: { JobDescription: { MaxInputData: 1.5 } } } }))).toThrow(
      ConfigValidationError,
    );
  });

  it('validates and normalises user e-mail addresses', () => {
    const withEmail = (email: string) => {
      const raw = minimal();
      const lhcb = (raw.Registry as Record<string, Record<string, unknown>>).lhcb!;
      lhcb.Users = { s: { PreferedUsername: 'u', Email: email } };
      return raw;
    };
    expect(parseConfig(withEmail('Ann <Ann@CERN.CH>')).Registry.lhcb!.Users.s!.Email).toBe('Ann@cern.ch');
    expect(errorOf(() => parseConfig(withEmail('not-an-address'))).issues[0]!.path).toBe('Registry.lhcb.Users.s.Email');
  });
});

describe('serialisation', () => {
  it('serialises group Properties and Users as sorted, de-duplicated arrays', () => {
    const raw = minimal();
    const lhcb = (raw.Registry as Record<string, Record<string, unknown>>).lhcb!;
    lhcb.Groups = { g: { Properties: ['ProductionManagement', 'NormalUser', 'NormalUser'], Users: ['z', 'a', 'z'] } };
    const wire = JSON.parse(JSON.stringify(parseConfig(raw)));
    expect(wire.Registry.lhcb.Groups.g.Properties).toEqual(['NormalUser', 'ProductionManagement']);
    expect(wire.Registry.lhcb.Groups.g.Users).toEqual(['a', 'z']);
  });

  it('makes every OSCompatibility platform compatible with itself', () => {
    const config = parseConfig(minimal({ Resources: { Computing: { OSCompatibility: { el9: ['el8', 'el7'] } } } }));
    expect(config.Resources.Computing.OSCompatibility).toEqual({ el9: ['el7', 'el8', 'el9'] });
  });
});

describe('registry helpers', () => {
  it('finds a sub from its preferred username and returns undefined for unknown names', () => {
    const registry = parseConfig(minimal()).Registry.lhcb!;
    expect(subFromPreferredUsername(registry, 'albdr')).toBe('sub-b');
    expect(subFromPreferredUsername(registry, 'nobody')).toBeUndefined();
    expect(idpServerMetadataUrl(registry.IdP)).toBe('https://idp.invalid/lhcb/.well-known/openid-configuration');
  });
});

describe('security properties', () => {
  it('accepts an unknown property name in a group, as upstream SecurityProperty is any string', () => {
    const raw = minimal();
    const lhcb = (raw.Registry as Record<string, Record<string, unknown>>).lhcb!;
    lhcb.Groups = { g: { Properties: ['MadeUpProperty'], Users: [] } };
    expect(parseConfig(raw).Registry.lhcb!.Groups.g!.Properties).toEqual(['MadeUpProperty']);
    expect(isSecurityProperty('MadeUpProperty')).toBe(false);
  });

  it('knows the DiracX core properties', () => {
    expect(SECURITY_PROPERTIES).toContain('GenericPilot');
    expect(SECURITY_PROPERTIES).toHaveLength(23);
    expect(isSecurityProperty('JobAdministrator')).toBe(true);
    expect(isSecurityProperty('jobadministrator')).toBe(false);
  });
});
