/**
 * @module gubbins/properties
 * The security property gubbins adds. Declared in the extension's `properties`, so the server
 * accepts it in scopes and lists it in discovery; a group grants it in the configuration
 * (`Registry.<vo>.Groups.<group>.Properties`), like any core property.
 */

/** Lets its holder manage (delete) gubbins owners, and act on other people's jobs as a JobAdministrator. */
export const GUBBINS_SENSEI = 'GubbinsSensei';
