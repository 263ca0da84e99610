/**
 * @module logic/auth/tokens/scope
 * The OAuth scope grammar of DiracX and the checks of who may use a scope
 * (`diracx-logic/src/diracx/logic/auth/utils.py: parse_and_validate_scope,
 * get_allowed_user_properties` and the checks in `token.py: exchange_token`).
 *
 * A scope is space-separated: exactly one `vo:<vo>`, at most one `group:<group>` (default: the
 * VO's `DefaultGroup`) and any number of `property:<p>`, which are added on top of the group's
 * properties. Parsing only checks the scope against the configuration; whether a given user may
 * hold it is `checkUserMayUseScope`, done when a token is issued. Error messages are DiracX's,
 * with Python's list and set reprs; where DiracX iterates a set, we use order of appearance.
 * Pure functions: no I/O, no clock.
 */
import { compareCodePoints } from '../../../config/schema-primitives.ts';
import type { Config } from '../../../config/schema.ts';
import { ForbiddenError, InvalidInputError } from '../../../core/errors.ts';

/** What a valid scope asks for. */
export interface ParsedScope {
  vo: string;
  group: string;
  /** The group's properties plus those requested with `property:`; unique, in code point order. */
  properties: string[];
}

/**
 * Parses `scope` and checks it against the configuration and `availableProperties` (the
 * security properties this installation knows).
 * @throws InvalidInputError with DiracX's message when the scope is not valid.
 */
export function parseAndValidateScope(
  scope: string,
  config: Config,
  availableProperties: ReadonlySet<string>,
): ParsedScope {
  const vos: string[] = [];
  const groups: string[] = [];
  const requested: string[] = [];
  const unrecognised: string[] = [];
  // DiracX splits on single spaces and de-duplicates through a set (so "a  b" yields '').
  for (const item of new Set(scope.split(' '))) {
    if (item.startsWith('group:')) groups.push(item.slice('group:'.length));
    else if (item.startsWith('property:')) requested.push(item.slice('property:'.length));
    else if (item.startsWith('vo:')) vos.push(item.slice('vo:'.length));
    else unrecognised.push(item);
  }
  if (unrecognised.length > 0) throw new InvalidInputError(`Unrecognised scopes: ${pyList(unrecognised)}`);

  const { vo, registry } = onlyVo(vos, config);
  const [requestedGroup, ...otherGroups] = groups;
  if (otherGroups.length > 0) throw new InvalidInputError(`Only one DIRAC group allowed but got ${pyList(groups)}`);
  const group = requestedGroup ?? registry.DefaultGroup;
  if (requestedGroup !== undefined && !Object.hasOwn(registry.Groups, group)) {
    throw new InvalidInputError(`${group} not in ${vo} groups`);
  }
  const groupConfig = Object.hasOwn(registry.Groups, group) ? registry.Groups[group] : undefined;
  // Only reachable through a DefaultGroup that names no group: a configuration fault, which
  // DiracX also lets through as a server error (KeyError).
  if (groupConfig === undefined) throw new Error(`Default group ${group} of VO ${vo} is not defined`);

  const properties = new Set([...requested, ...groupConfig.Properties]);
  const invalid = [...properties].filter((p) => !availableProperties.has(p));
  if (invalid.length > 0) throw new InvalidInputError(`${pySet(invalid)} are not valid properties`);
  return { vo, group, properties: [...properties].sort(compareCodePoints) };
}

function onlyVo(vos: readonly string[], config: Config): { vo: string; registry: Config['Registry'][string] } {
  const [vo, ...others] = vos;
  if (vo === undefined) {
    const available = Object.keys(config.Registry).map((known) => pyRepr(`vo:${known}`));
    throw new InvalidInputError(`No vo scope requested, available values: ${available.join(' ')}`);
  }
  if (others.length > 0) throw new InvalidInputError(`Only one vo is allowed but got ${pyList(vos)}`);
  const registry = Object.hasOwn(config.Registry, vo) ? config.Registry[vo] : undefined;
  if (registry === undefined) throw new InvalidInputError(`VO ${vo} is not known to this installation`);
  return { vo, registry };
}

/**
 * The VO a stored scope names: its one `vo:` item, or undefined when it names none (a flow
 * still waiting for the person's VO choice) or several.
 */
export function scopeVo(scope: string): string | undefined {
  const vos = [...new Set(scope.split(' '))].filter((item) => item.startsWith('vo:'));
  return vos.length === 1 ? vos[0]?.slice('vo:'.length) : undefined;
}

/**
 * The union of the properties of every group of `vo` that lists `sub` as a member; empty for
 * an unknown VO.
 */
export function allowedUserProperties(config: Config, vo: string, sub: string): Set<string> {
  const allowed = new Set<string>();
  const registry = Object.hasOwn(config.Registry, vo) ? config.Registry[vo] : undefined;
  if (!registry) return allowed;
  for (const group of Object.values(registry.Groups)) {
    if (group.Users.includes(sub)) for (const p of group.Properties) allowed.add(p);
  }
  return allowed;
}

/**
 * Checks that the user `sub` (the IdP's subject, without the VO prefix) may be issued a token
 * for `scope` (already parsed): registered in the VO, member of the group, and holding every
 * requested property through some group of the VO. Returns the user's preferred username.
 * @throws ForbiddenError otherwise. (DiracX answers an unregistered user with a 500
 * "dynamic registration is not yet implemented"; a denial is the honest answer.)
 */
export function checkUserMayUseScope(config: Config, scope: ParsedScope, sub: string): { preferredUsername: string } {
  const registry = Object.hasOwn(config.Registry, scope.vo) ? config.Registry[scope.vo] : undefined;
  const user = registry && Object.hasOwn(registry.Users, sub) ? registry.Users[sub] : undefined;
  if (registry === undefined || user === undefined) {
    throw new ForbiddenError(`User ${sub} is not registered in VO ${scope.vo}`);
  }
  const preferredUsername = user.PreferedUsername;
  const group = Object.hasOwn(registry.Groups, scope.group) ? registry.Groups[scope.group] : undefined;
  if (group === undefined || !group.Users.includes(sub)) {
    throw new ForbiddenError(`User is not a member of the requested group (${preferredUsername}, ${scope.group})`);
  }
  const allowed = allowedUserProperties(config, scope.vo, sub);
  const missing = scope.properties.filter((p) => !allowed.has(p));
  if (missing.length > 0) {
    throw new ForbiddenError(
      `${missing.join(' ')} are not valid properties for user ${preferredUsername}, ` +
        `available values: ${[...allowed].sort(compareCodePoints).join(' ')}`,
    );
  }
  return { preferredUsername };
}

/** Python's `repr()` of a str: single quotes unless only double quotes avoid escaping. */
function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0; // never undefined: `ch` is one code point
    if (ch === '\\' || ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${quote}${out}${quote}`;
}

/** Python's `repr()` of a list of str: `['a', 'b']`. */
function pyList(items: readonly string[]): string {
  return `[${items.map(pyRepr).join(', ')}]`;
}

/** Python's `repr()` of a non-empty set of str: `{'a', 'b'}`. */
function pySet(items: readonly string[]): string {
  return `{${items.map(pyRepr).join(', ')}}`;
}
