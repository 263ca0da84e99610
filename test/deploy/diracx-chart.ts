/**
 * Stand-ins for what a DiracX Helm release gives the co-deployed overlay (no release runs in
 * these tests): its settings Secrets, with the keys the chart writes into them, and the names of
 * its keystore Secret and configuration repository volume claim, as the overlay refers to them.
 */
import { SQL_DATABASES, type DiracxSqlDatabase } from '../../src/db/mysql/schema/index.ts';
import { DB_URL_SETTINGS } from '../../src/mysql-settings.ts';

/** The chart's keystore Secret (key `jwks.json`) and the claim of its configuration repository. */
export const CHART_KEYSTORE_SECRET = 'diracx-jwks';
export const CHART_CS_STORE_CLAIM = 'pvc-cs-store';

export interface ChartValues {
  stateKey: string;
  /** DiracX's `DIRACX_DB_URL_<DB>` (`mysql+aiomysql://…`). */
  databaseUrl(database: DiracxSqlDatabase): string;
  /** DiracX's `DIRACX_OS_DB_JOBPARAMETERSDB` (the OpenSearch connection, JSON). */
  opensearch: string;
}

/** The chart's settings Secrets, by name: what `envFrom` reads from each. */
export function chartSecrets(values: ChartValues): Record<string, Record<string, string>> {
  return {
    'diracx-secrets': { DIRACX_SERVICE_AUTH_STATE_KEY: values.stateKey },
    'diracx-dynamic-secrets': {},
    'diracx-sql-connection-urls': Object.fromEntries(
      SQL_DATABASES.map((db) => [DB_URL_SETTINGS[db], values.databaseUrl(db)]),
    ),
    'diracx-os-connection-urls': { DIRACX_OS_DB_JOBPARAMETERSDB: values.opensearch },
  };
}
