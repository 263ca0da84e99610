/**
 * Fixture of the RSS route and tool tests: a test app (PGlite, or PostgreSQL with
 * `DATABASE_URL`) and statuses set the way an administrator sets them (`setRssStatus`, the
 * logic of `bun run rss`) at a given time, and tokens of the shipped configuration's people.
 */
import { setRssStatus, type SetRssStatusInput } from '../../../src/logic/rss/admin.ts';
import { createTestApp, type TestApp, type TestAppOverrides } from '../../harness/app.ts';

export const PEOPLE = {
  lhcbUser: ['lhcb', 'lhcb_user', 'chaen'],
  lhcbPilot: ['lhcb', 'lhcb_pilot', 'lhcbpilot'],
  gridppUser: ['gridpp', 'gridpp_user', 'alice'],
} as const;
export type Person = keyof typeof PEOPLE;

export interface RssWorld {
  app: TestApp;
  /** Sets a status as `bun run rss set` does, effective at `at`. */
  set(input: SetRssStatusInput, at: Date): Promise<void>;
  /** GET /api/rss/<kind> as `person`, with extra headers. */
  get(person: Person, kind: string, headers?: Record<string, string>): Promise<Response>;
  dispose(): Promise<void>;
}

export async function createRssWorld(overrides: TestAppOverrides = {}): Promise<RssWorld> {
  const app = await createTestApp(overrides);
  const tokens = new Map<Person, string>();
  const tokenOf = async (person: Person): Promise<string> => {
    const known = tokens.get(person);
    if (known) return known;
    const [vo, group, user] = PEOPLE[person];
    const token = await app.tokens.tokenFor(vo, group, user);
    tokens.set(person, token);
    return token;
  };
  return {
    app,
    async set(input, at) {
      await setRssStatus({ database: app.database, now: () => at }, input);
    },
    async get(person, kind, headers = {}) {
      return app.fetch(`/api/rss/${kind}`, {
        headers: { authorization: `Bearer ${await tokenOf(person)}`, ...headers },
      });
    },
    dispose: () => app.dispose(),
  };
}
