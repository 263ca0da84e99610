/**
 * @module testing/users
 * The testing kit's users: the people of the shipped development configuration, named by what
 * they are to `owner` (chaen, an lhcb user), and users a test adds to its configuration (a new
 * group is created with the properties given). Works on the raw configuration document, before
 * it is validated; the kit validates the result with the extensions' schema.
 */

/** A user of the test configuration, as a token names them. */
export interface TestUser {
  readonly vo: string;
  readonly group: string;
  readonly preferredUsername: string;
}

/** A user to add to the test configuration. */
export interface TestUserSpec {
  /** A VO of the configuration (`lhcb` and `gridpp` ship). */
  readonly vo: string;
  /** Their group; created when the VO has none of that name. */
  readonly group: string;
  /** Default: the name the test calls them by. An existing user of the VO is added to the group. */
  readonly preferredUsername?: string;
  /** The properties of a group the kit creates (required then); must match an existing group's. */
  readonly properties?: readonly string[];
}

/** The people of the shipped development configuration (`src/config/default.yml`). */
export const DEFAULT_TEST_USERS = {
  /** chaen, an lhcb NormalUser: submits and owns jobs. */
  owner: { vo: 'lhcb', group: 'lhcb_user', preferredUsername: 'chaen' },
  /** albdr, in chaen's group. */
  sameGroup: { vo: 'lhcb', group: 'lhcb_user', preferredUsername: 'albdr' },
  /** chaen again, in lhcb_prmgr (NormalUser, ProductionManagement). */
  ownerOtherGroup: { vo: 'lhcb', group: 'lhcb_prmgr', preferredUsername: 'chaen' },
  /** lhcbadmin: JobAdministrator only (may manage, may not submit). */
  admin: { vo: 'lhcb', group: 'lhcb_admin', preferredUsername: 'lhcbadmin' },
  /** lhcbpilot: GenericPilot. */
  pilot: { vo: 'lhcb', group: 'lhcb_pilot', preferredUsername: 'lhcbpilot' },
  /** alice, a NormalUser of the other VO, gridpp. */
  otherVo: { vo: 'gridpp', group: 'gridpp_user', preferredUsername: 'alice' },
  /** gridppadmin: JobAdministrator of gridpp. */
  otherVoAdmin: { vo: 'gridpp', group: 'gridpp_admin', preferredUsername: 'gridppadmin' },
} as const satisfies Record<string, TestUser>;

/** The name of a default test user. */
export type DefaultTestUserName = keyof typeof DEFAULT_TEST_USERS;

/** The part of a raw configuration document the kit edits; everything else passes through. */
export interface TestConfigDocument {
  Registry: Record<
    string,
    {
      Users: Record<string, Record<string, unknown>>;
      Groups: Record<string, { Properties: string[]; Users: string[]; [key: string]: unknown }>;
      [key: string]: unknown;
    }
  >;
  [key: string]: unknown;
}

/** The `sub` of `preferredUsername` in `vo` of the document, if they are there. */
function subOf(document: TestConfigDocument, vo: string, preferredUsername: string): string | undefined {
  const users = document.Registry[vo]?.Users ?? {};
  return Object.keys(users).find((sub) => users[sub]?.PreferedUsername === preferredUsername);
}

/**
 * The entry of `preferredUsername` in `vo` of the document (`Registry.<vo>.Users.<sub>`), to set
 * fields on, such as an extension's user field; throws `TypeError` when there is none.
 */
export function configUser(
  document: TestConfigDocument,
  vo: string,
  preferredUsername: string,
): Record<string, unknown> {
  const sub = subOf(document, vo, preferredUsername);
  const entry = sub === undefined ? undefined : document.Registry[vo]?.Users[sub];
  if (entry === undefined) throw new TypeError(`no user ${preferredUsername} in ${vo} of the test configuration`);
  return entry;
}

function sameProperties(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((p, i) => p === [...b].sort()[i]);
}

/** Adds one user to the document (in place); throws `TypeError` when the spec cannot hold. */
function addUser(document: TestConfigDocument, name: string, spec: TestUserSpec): TestUser {
  const registry = document.Registry[spec.vo];
  if (!registry) throw new TypeError(`test user ${name}: no VO ${spec.vo} in the test configuration`);
  const preferredUsername = spec.preferredUsername ?? name;
  let sub = subOf(document, spec.vo, preferredUsername);
  if (sub === undefined) {
    sub = crypto.randomUUID();
    registry.Users[sub] = { PreferedUsername: preferredUsername };
  }
  const group = registry.Groups[spec.group];
  if (group === undefined) {
    if (!spec.properties)
      throw new TypeError(`test user ${name}: group ${spec.group} is new to ${spec.vo}; give its properties`);
    registry.Groups[spec.group] = { Properties: [...spec.properties], Users: [sub] };
  } else {
    if (spec.properties && !sameProperties(spec.properties, group.Properties))
      throw new TypeError(
        `test user ${name}: group ${spec.group} of ${spec.vo} has properties ${group.Properties.join(', ')}`,
      );
    if (!group.Users.includes(sub)) group.Users.push(sub);
  }
  return { vo: spec.vo, group: spec.group, preferredUsername };
}

/** Adds `users` to the document (in place) and returns them, with the default ones, by name. */
export function addTestUsers<U extends string>(
  document: TestConfigDocument,
  users: Readonly<Record<U, TestUserSpec>>,
): Record<DefaultTestUserName | U, TestUser> {
  const all: Record<string, TestUser> = { ...DEFAULT_TEST_USERS };
  for (const [name, spec] of Object.entries(users) as [U, TestUserSpec][]) {
    if (name in DEFAULT_TEST_USERS) throw new TypeError(`test user ${name} is already a default test user`);
    all[name] = addUser(document, name, spec);
  }
  return all as Record<DefaultTestUserName | U, TestUser>;
}
