/**
 * @module config/served
 * The configuration as `GET /api/config/` serves it to one caller: DiracX's document cut down
 * to the caller's VO. Other VOs' `Registry` sections (their users, identity-provider subject
 * ids, groups, identity provider) and their `Operations` sections (keyed by VO once
 * `Operations.Defaults` is merged in) are removed, and so are our server-side additions
 * (`Registry.<vo>.ServiceClients`), so a user learns nothing about other VOs and no
 * client-registration data leaves the server. What is not keyed by VO (`DIRAC`, `Resources`,
 * the free-form sections) is served as it is. A document with one VO is still a valid DiracX
 * `Config` (its model builds `Operations.<vo>` for each Registry VO). Each view has its own
 * ETag, the hash of the document served, so another VO's ETag never matches and a change in
 * another VO's part does not change it.
 */
import { sha256Hex } from '../logic/sha256.ts';
import type { Config } from './schema.ts';
import type { ConfigSnapshot } from './store.ts';

export type ServedConfig = Omit<Config, 'Registry'> & {
  Registry: Record<string, Omit<Config['Registry'][string], 'ServiceClients'>>;
};

/** `vo`'s view of `config`: its own Registry and Operations sections only, without server-side additions. */
export function servedConfig(config: Config, vo: string): ServedConfig {
  const registry: ServedConfig['Registry'] = {};
  const own = Object.hasOwn(config.Registry, vo) ? config.Registry[vo] : undefined;
  if (own) {
    const { ServiceClients: _clients, ...rest } = own;
    registry[vo] = rest;
  }
  const ownOperations = Object.hasOwn(config.Operations, vo) ? config.Operations[vo] : undefined;
  const operations: Config['Operations'] = ownOperations ? { [vo]: ownOperations } : {};
  return { ...config, Registry: registry, Operations: operations };
}

/** A view with its ETag. */
export interface ServedView {
  document: ServedConfig;
  /** The SHA-256 (hex) of the served JSON. */
  etag: string;
}

/** Views already built, per snapshot (dropped with it) and VO. */
const VIEWS = new WeakMap<ConfigSnapshot, Map<string, Promise<ServedView>>>();

/** `vo`'s view of the snapshot, built once per snapshot and VO. */
export function servedView(snapshot: ConfigSnapshot, vo: string): Promise<ServedView> {
  let byVo = VIEWS.get(snapshot);
  if (!byVo) {
    byVo = new Map();
    VIEWS.set(snapshot, byVo);
  }
  let view = byVo.get(vo);
  if (!view) {
    const document = servedConfig(snapshot.config, vo);
    view = sha256Hex(JSON.stringify(document)).then((etag) => ({ document, etag }));
    byVo.set(vo, view);
  }
  return view;
}
