/**
 * Composition of extensions: what the server runs with (core tools first, overrides in force,
 * properties and config fields added) and every conflict refused with one line naming the
 * extension, before anything is served.
 */
import { describe, expect, it } from 'bun:test';
import { z } from 'zod';
import { composeExtensions, ExtensionError } from '../../src/extensions/compose.ts';
import { EXTENSION_CONTRACT_VERSION, type Extension } from '../../src/extensions/contract.ts';
import type { AccessPolicy } from '../../src/policies/base.ts';
import { wmsPolicy } from '../../src/policies/wms.ts';
import { CORE_TOOLS } from '../../src/tools/core.ts';
import { whoamiTool } from '../../src/tools/identity.ts';
import { createTestApp } from '../harness/app.ts';

const base = (name: string, parts: Partial<Extension> = {}): Extension => ({
  name,
  contractVersion: EXTENSION_CONTRACT_VERSION,
  description: `${name} test extension`,
  ...parts,
});
const tool = (name: string) => ({ ...whoamiTool, name });
const policy = (id: string): AccessPolicy<never> => ({ id, check: async () => {} });

function refusal(extensions: Extension[]): string {
  try {
    composeExtensions(extensions);
  } catch (err) {
    expect(err).toBeInstanceOf(ExtensionError);
    return (err as Error).message;
  }
  throw new Error('composition was accepted');
}

describe('composeExtensions', () => {
  it('serves the core alone without extensions', () => {
    const composed = composeExtensions([]);
    expect(composed.tools).toEqual(CORE_TOOLS);
    expect(composed.policies.resolve(wmsPolicy)).toBe(wmsPolicy);
    expect(composed.names).toEqual([]);
  });

  it('appends extension tools after the core ones, puts overrides in force and adds properties', () => {
    const tighter = policy('wms');
    const composed = composeExtensions([
      base('alpha', { tools: [tool('alpha_tool')], policyOverrides: [tighter], properties: ['AlphaPower'] }),
      base('beta', { tools: [tool('beta_tool')] }),
    ]);
    expect(composed.tools.map((t) => t.name)).toEqual([...CORE_TOOLS.map((t) => t.name), 'alpha_tool', 'beta_tool']);
    expect(composed.policies.resolve(wmsPolicy)).toBe(tighter as unknown as typeof wmsPolicy);
    expect(composed.properties.has('AlphaPower')).toBe(true);
    expect(composed.properties.has('NormalUser')).toBe(true);
    expect(composed.names).toEqual(['alpha', 'beta']);
  });

  it('refuses an unsupported contract version', () => {
    expect(refusal([base('future', { contractVersion: 99 })])).toBe(
      'extension future declares contract version 99; this server supports 1',
    );
  });

  it('refuses a bad or repeated name', () => {
    expect(refusal([base('Bad Name')])).toContain('extension "Bad Name": the name must match');
    expect(refusal([base('alpha'), base('alpha')])).toBe('extension alpha is listed twice');
  });

  it('refuses a tool name already taken by the core or by another extension', () => {
    expect(refusal([base('alpha', { tools: [tool('search_jobs')] })])).toBe(
      'extension alpha: MCP tool search_jobs is already defined by the core',
    );
    expect(refusal([base('alpha', { tools: [tool('shared')] }), base('beta', { tools: [tool('shared')] })])).toBe(
      'extension beta: MCP tool shared is already defined by extension alpha',
    );
  });

  it('refuses a tool that breaks the tool rules', () => {
    expect(refusal([base('alpha', { tools: [{ ...tool('alpha_tool'), description: 'No example here.' }] })])).toBe(
      'extension alpha: MCP tool alpha_tool has no "Example:" call in its description',
    );
  });

  it('refuses a new policy reusing an id, an override of nothing, and a second override', () => {
    expect(refusal([base('alpha', { policies: [policy('wms')] })])).toBe(
      'extension alpha: policy wms is already defined by the core',
    );
    expect(refusal([base('alpha', { policyOverrides: [policy('nothing')] })])).toBe(
      'extension alpha: cannot override policy nothing, which no one defines',
    );
    expect(
      refusal([
        base('alpha', { policyOverrides: [policy('wms')] }),
        base('beta', { policyOverrides: [policy('wms')] }),
      ]),
    ).toBe('extension beta: policy wms is already overridden by extension alpha');
  });

  it('lets one extension override a policy another extension defines', () => {
    const replacement = policy('alpha');
    const composed = composeExtensions([
      base('alpha', { policies: [policy('alpha')] }),
      base('beta', { policyOverrides: [replacement] }),
    ]);
    expect(composed.policies.resolve(policy('alpha'))).toBe(replacement);
  });

  it('refuses a property defined twice, a repeated migration and a config field added twice', () => {
    expect(refusal([base('alpha', { properties: ['JobAdministrator'] })])).toBe(
      'extension alpha: security property JobAdministrator is already defined',
    );
    expect(
      refusal([
        base('alpha', {
          migrations: [
            { name: 'm', sql: '' },
            { name: 'm', sql: '' },
          ],
        }),
      ]),
    ).toBe('extension alpha: migration m is listed twice');
    const field = { userFields: { Info: z.string().optional() } };
    expect(refusal([base('alpha', { config: field }), base('beta', { config: field })])).toBe(
      'extension beta: user configuration field Info is already added by another extension',
    );
  });

  it('refuses, when the handler is built, a route outside /api/<name>/ and a route declared twice', async () => {
    const route = (path: string) => ({ method: 'get' as const, path, responses: { 200: { description: 'ok' } } });
    const outside = base('alpha', { routes: (r) => void r.define({ kind: 'open' }, route('/api/jobs/alpha')) });
    await expect(createTestApp({ extensions: [outside] })).rejects.toThrow(
      'extension alpha: route /api/jobs/alpha is outside /api/alpha/',
    );
    const twice = base('alpha', {
      routes: (r) => {
        r.define({ kind: 'open' }, route('/api/alpha/x'));
        r.define({ kind: 'open' }, route('/api/alpha/x'));
      },
    });
    await expect(createTestApp({ extensions: [twice] })).rejects.toThrow(
      'extension alpha: route GET /api/alpha/x is declared twice',
    );
  });
});
