/**
 * Reuse of the inline PGlite test databases: a database a test has disposed of is emptied and
 * handed to the next test, instead of each test loading a fresh clone of the migrated dump
 * (~0.4 s each; emptying takes a few milliseconds). See docs/testing.md, "Suite time".
 *
 * A test never sees another's rows, nor anything else another test left: on release the
 * database is compared with a fresh clone (its schema, migration bookkeeping, roles, settings,
 * and session state: temporary tables, prepared statements, cursors, advisory locks, LISTEN
 * channels) and, when anything differs, closed instead of reused; a transaction left open is
 * rolled back first. When it
 * matches, every table but the migration bookkeeping is emptied and every sequence restarted,
 * which gives exactly the fresh clone's contents (a database serves at most `MAX_USES` tests, so
 * that the dead rows the emptying leaves behind stay few). The handle a test was given is revoked on
 * release: a query made through it afterwards fails as on a closed database, and cannot reach
 * the next test's data.
 */
import type { PGlite } from '@electric-sql/pglite';

/**
 * The system catalogs a test could change (DDL, roles, settings of a database or role). Any
 * change to one of them adds a row with a newer transaction id (`xmin`) or removes one, so
 * their row counts and newest `xmin` show it; emptying tables changes neither.
 */
const CATALOGS = [
  'pg_aggregate',
  'pg_am',
  'pg_attrdef',
  'pg_attribute',
  'pg_auth_members',
  'pg_authid',
  'pg_cast',
  'pg_class',
  'pg_collation',
  'pg_constraint',
  'pg_conversion',
  'pg_database',
  'pg_db_role_setting',
  'pg_default_acl',
  'pg_event_trigger',
  'pg_extension',
  'pg_foreign_data_wrapper',
  'pg_foreign_server',
  'pg_foreign_table',
  'pg_index',
  'pg_inherits',
  'pg_language',
  'pg_largeobject_metadata',
  'pg_namespace',
  'pg_opclass',
  'pg_operator',
  'pg_opfamily',
  'pg_policy',
  'pg_proc',
  'pg_publication',
  'pg_rewrite',
  'pg_sequence',
  'pg_statistic_ext',
  'pg_subscription',
  'pg_tablespace',
  'pg_trigger',
  'pg_ts_config',
  'pg_ts_dict',
  'pg_type',
  'pg_user_mapping',
];

const CATALOG_STATES = CATALOGS.map(
  (catalog) => `  (SELECT count(*) || ' ' || coalesce(max(xmin::text::bigint), 0) FROM ${catalog}),`,
).join('\n');

/** Everything a test could change besides table rows and sequence positions, as one text. */
const STATE_QUERY = `SELECT concat_ws(E'\\n',
${CATALOG_STATES}
  -- The session: settings changed with SET, temporary tables (in pg_class above), prepared
  -- statements, cursors, advisory locks, LISTEN channels.
  (SELECT string_agg(name || '=' || setting, ',' ORDER BY name) FROM pg_settings),
  (SELECT count(*) FROM pg_prepared_statements),
  (SELECT count(*) FROM pg_cursors),
  (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'),
  (SELECT count(*) FROM pg_listening_channels()),
  -- The migration bookkeeping, which is not emptied.
  (SELECT count(*) || ' ' || coalesce(max(id), 0) FROM drizzle.__drizzle_migrations)
) AS state`;

/**
 * The statement that empties the tables and restarts the sequences, everywhere but the migration
 * bookkeeping. DELETE rather than TRUNCATE: on PGlite, TRUNCATE of every table takes 30-200 ms
 * (new files for each table and index), DELETE of a test's few rows ~10 ms. Foreign keys are not
 * checked meanwhile (every table is emptied), so the order does not matter.
 */
const EMPTY_QUERY = `
SELECT concat_ws(E'\\n',
  'BEGIN;',
  'SET LOCAL session_replication_role = replica;',
  (SELECT string_agg(format('DELETE FROM %I.%I;', n.nspname, c.relname), E'\\n' ORDER BY n.nspname, c.relname)
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'drizzle')
      AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'),
  (SELECT 'SELECT ' || string_agg(format('setval(%L, %s, false)', format('%I.%I', n.nspname, c.relname), s.seqstart),
                                    ', ' ORDER BY n.nspname, c.relname) || ';'
     FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'drizzle') AND n.nspname NOT LIKE 'pg_temp%'),
  'COMMIT;'
) AS empty`;

/** How many tests one database serves before it is closed (emptying leaves dead rows behind). */
const MAX_USES = 100;

interface Pristine {
  /** STATE_QUERY's answer on a fresh clone. */
  state: string;
  /** The statement that empties a database in that state. */
  empty: string;
}

/** A database lent to one test; `handle` stops working once it is given back. */
export interface Lease {
  handle: PGlite;
  /** Gives the database back: emptied for the next test when it is as a fresh clone left it, closed otherwise. */
  release(): Promise<void>;
}

async function stateOf(client: PGlite): Promise<string> {
  const { rows } = await client.query<{ state: string }>(STATE_QUERY);
  return rows[0]?.state ?? '';
}

/** Clones of one migrated dump, lent to tests one at a time and emptied in between. */
export class PglitePool {
  readonly #idle: PGlite[] = [];
  readonly #uses = new WeakMap<PGlite, number>();
  #pristine: Promise<Pristine> | undefined;

  /** @param open A fresh clone of the migrated dump. */
  constructor(private readonly open: () => Promise<PGlite>) {}

  async acquire(): Promise<Lease> {
    const client = this.#idle.pop() ?? (await this.#fresh());
    this.#uses.set(client, (this.#uses.get(client) ?? 0) + 1);
    let revoked = false;
    const handle = new Proxy(client, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        if (revoked) {
          // Given back: closing it again does nothing, anything else fails as on a closed database.
          if (property === 'close') return () => Promise.resolve();
          return () => Promise.reject(new Error('PGlite is closed (the test database was disposed)'));
        }
        // Bound to the real client: PGlite's methods use private fields.
        return value.bind(target);
      },
    });
    return {
      handle,
      release: async () => {
        if (revoked) return;
        revoked = true;
        await this.#giveBack(client);
      },
    };
  }

  async #fresh(): Promise<PGlite> {
    const client = await this.open();
    if (!this.#pristine) {
      const pristine = (async (): Promise<Pristine> => {
        const state = await stateOf(client);
        const { rows } = await client.query<{ empty: string }>(EMPTY_QUERY);
        return { state, empty: rows[0]?.empty ?? '' };
      })();
      this.#pristine = pristine;
      pristine.catch(() => {
        if (this.#pristine === pristine) this.#pristine = undefined;
      });
    }
    await this.#pristine;
    return client;
  }

  async #giveBack(client: PGlite): Promise<void> {
    if (client.closed) return;
    try {
      if ((this.#uses.get(client) ?? 0) >= MAX_USES) throw new Error('served enough tests');
      const pristine = await this.#pristine;
      // A transaction the test left open ends here (outside one, ROLLBACK only warns).
      await client.exec('ROLLBACK');
      if (pristine && (await stateOf(client)) === pristine.state) {
        await client.exec(pristine.empty);
        this.#idle.push(client);
        return;
      }
    } catch {
      // Not reusable (served enough tests, an aborted transaction): closed below like any other.
    }
    await client.close().catch(() => undefined);
  }
}
