/**
 * The co-deployed Kubernetes overlay's settings, without kustomize (CI has no kubectl; the
 * kustomize test builds it where there is one): the environment its server pods and its migration
 * Job get, composed from the files as Kubernetes would (the base's ConfigMap with the overlay's
 * patch, then each `envFrom` Secret in order, the later winning), is one our settings accept on
 * DiracX's MySQL databases: the chart's `DIRACX_DB_URL_*` with our `DIRACX_OWN_DB_URL`, no
 * PostgreSQL, job parameters left to DiracX. The chart's Secrets are stand-ins (no DiracX release
 * runs here), in the form the chart writes them; their server and user are the ones the
 * overlay's example names, as it tells the administrator to make them.
 */
import { describe, expect, it } from 'bun:test';
import { join } from 'node:path';
import { SQL_DATABASES } from '../../src/db/mysql/schema/index.ts';
import { mysqlTarget } from '../../src/mysql-settings.ts';
import { parseSettings, servesJobParameters } from '../../src/settings.ts';
import { chartSecrets } from './diracx-chart.ts';
import { type Container, KUBERNETES_DIR } from './kube-manifests.ts';

const OVERLAY = join(KUBERNETES_DIR, 'overlays', 'co-deployed');

/** The chart's Secrets, by name (stand-ins: the keys the chart puts in them). */
const CHART_SECRETS = chartSecrets({
  stateKey: 'uW6tKp9FJ4l3yq2dQzR0sVb1XcN8eHm5aGjLwYoTiUk=',
  databaseUrl: (db) => `mysql+aiomysql://diracx:CHANGE-ME@mysql.example.org:3306/${db}`,
  opensearch: JSON.stringify({ hosts: 'https://opensearch.example.org:9200' }),
});

type EnvFrom = NonNullable<Container['envFrom']>;

async function yaml<T>(path: string): Promise<T> {
  return Bun.YAML.parse(await Bun.file(path).text()) as T;
}

/** The base's settings ConfigMap with the overlay's patch applied (`null` removes a key). */
async function settingsConfigMap(): Promise<Record<string, string>> {
  const base = await yaml<{ data: Record<string, string> }>(join(KUBERNETES_DIR, 'base', 'configmap-env.yaml'));
  const patch = await yaml<{ data: Record<string, string | null> }>(join(OVERLAY, 'env.yaml'));
  const merged: Record<string, string> = { ...base.data };
  for (const [key, value] of Object.entries(patch.data)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** Our Secret as the overlay generates it from secrets.env (its example here). */
async function ourSecret(): Promise<Record<string, string>> {
  const text = await Bun.file(join(OVERLAY, 'secrets.env.example')).text();
  const entries = text
    .split('\n')
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  return Object.fromEntries(entries);
}

/** The `envFrom` of the one container of a patch's pod template. */
async function envFromOf(patchFile: string): Promise<EnvFrom> {
  const patch = await yaml<{ spec: { template: { spec: { containers: Container[] } } } }>(join(OVERLAY, patchFile));
  const [container] = patch.spec.template.spec.containers;
  return container?.envFrom ?? [];
}

/** The environment `envFrom` gives a container, in order, the later source winning. */
async function environment(envFrom: EnvFrom): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const source of envFrom) {
    if (source.configMapRef?.name === 'diracx-env') Object.assign(env, await settingsConfigMap());
    else if (source.secretRef?.name === 'diracx-ts-secrets') Object.assign(env, await ourSecret());
    else if (source.secretRef && CHART_SECRETS[source.secretRef.name]) {
      Object.assign(env, CHART_SECRETS[source.secretRef.name]);
    } else throw new Error(`unknown envFrom source ${JSON.stringify(source)}`);
  }
  return env;
}

describe("the co-deployed overlay on DiracX's MySQL databases", () => {
  for (const [what, file] of [
    ['the server pods', 'deployment.yaml'],
    ['the migration Job', 'migrate-job.yaml'],
  ] as const) {
    it(`gives ${what} DiracX's seven database URLs and our own database, and no PostgreSQL`, async () => {
      const env = await environment(await envFromOf(file));
      expect(env.DATABASE_URL).toBeUndefined();
      const settings = parseSettings(env);
      const target = mysqlTarget(settings);
      expect(target?.url).toBe('mysql://diracx:CHANGE-ME@mysql.example.org:3306/diracx_mcp');
      expect(target?.names.own).toBe('diracx_mcp');
      expect({ ...target?.names.diracx }).toEqual(Object.fromEntries(SQL_DATABASES.map((db) => [db, db])));
      expect(servesJobParameters(settings)).toBe(false);
    });
  }

  it("is refused without the chart's database URLs: our own database alone is half a set", async () => {
    const envFrom = (await envFromOf('migrate-job.yaml')).filter(
      (source) => source.secretRef?.name !== 'diracx-sql-connection-urls',
    );
    const env = await environment(envFrom);
    expect(() => parseSettings(env)).toThrow('DIRACX_DB_URL_AUTHDB=<redacted> is invalid: is required');
  });
});
