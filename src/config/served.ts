/**
 * @module config/served
 * The configuration as `GET /api/config/` serves it: DiracX's document, without our
 * server-side additions (`Registry.<vo>.ServiceClients`), so DiracX clients see exactly the
 * shape they know and no client-registration data leaves the server.
 */
import type { Config } from './schema.ts';

export type ServedConfig = Omit<Config, 'Registry'> & {
  Registry: Record<string, Omit<Config['Registry'][string], 'ServiceClients'>>;
};

/** A copy of `config` without server-side additions. */
export function servedConfig(config: Config): ServedConfig {
  const registry: ServedConfig['Registry'] = {};
  for (const [vo, { ServiceClients: _clients, ...rest }] of Object.entries(config.Registry)) registry[vo] = rest;
  return { ...config, Registry: registry };
}
