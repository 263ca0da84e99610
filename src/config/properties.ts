/**
 * @module config/properties
 *
 * The security properties known to DiracX (the names a group's `Properties`
 * grants to its members, e.g. `NormalUser`, `JobAdministrator`). The list
 * mirrors every property defined in DiracX core, so `isSecurityProperty`
 * tells a core property from an extension-defined or misspelt one. The
 * configuration schema itself accepts any string, as upstream does.
 */

/** Every property defined by DiracX core, in upstream's declaration order. */
export const SECURITY_PROPERTIES = [
  'TrustedHost',
  'NormalUser',
  'CSAdministrator',
  'JobSharing',
  'ServiceAdministrator',
  'JobAdministrator',
  'JobMonitor',
  'AccountingMonitor',
  'Pilot',
  'GenericPilot',
  'SiteManager',
  'UserManager',
  'Operator',
  'FullDelegation',
  'LimitedDelegation',
  'PrivateLimitedDelegation',
  'ProxyManagement',
  'ProductionManagement',
  'PPGAuthority',
  'BookkeepingManagement',
  'AlarmsManagement',
  'FileCatalogManagement',
  'StageAllowed',
] as const;

/** A property name defined by DiracX core. */
export type SecurityProperty = (typeof SECURITY_PROPERTIES)[number];

const KNOWN: ReadonlySet<string> = new Set<string>(SECURITY_PROPERTIES);

/** Whether `s` is one of the properties defined by DiracX core (case-sensitive). */
export function isSecurityProperty(s: string): s is SecurityProperty {
  return KNOWN.has(s);
}

/** The properties the access policies test, by name (DiracX's constants). */
export const NORMAL_USER = 'NormalUser' satisfies SecurityProperty;
export const JOB_ADMINISTRATOR = 'JobAdministrator' satisfies SecurityProperty;
export const GENERIC_PILOT = 'GenericPilot' satisfies SecurityProperty;
export const SERVICE_ADMINISTRATOR = 'ServiceAdministrator' satisfies SecurityProperty;
export const PROXY_MANAGEMENT = 'ProxyManagement' satisfies SecurityProperty;
export const PRODUCTION_MANAGEMENT = 'ProductionManagement' satisfies SecurityProperty;
