/**
 * The co-deployed Kubernetes overlay (deploy/kubernetes/overlays/co-deployed) run for real with
 * Debian's podman, as test/deploy/podman.test.ts runs the standalone one, beside stand-ins for
 * what a DiracX Helm release gives it (./diracx-chart.ts): its settings Secrets, DiracX's seven
 * database URLs among them pointing at a fresh database set on the machine's MariaDB (with our
 * own database beside them, our Secret's DIRACX_OWN_DB_URL), its keystore Secret and its git
 * configuration repository in the volume its claim names (owned by the chart's user, as the
 * overlay's securityContext says):
 *  - the overlay is rendered from its files (its patches and name prefix: ./kube-manifests.ts)
 *    and played with `podman kube play`, changed as podman on one machine needs (host networking,
 *    one replica on a free port, the Job as a Pod, the local image) and, for the pods running as
 *    the chart's user, the keystore Secret and the emptyDirs as host directories made as
 *    Kubernetes makes them (podman 4.3 writes Secret files base64-encoded and ignores fsGroup);
 *  - the migration Job's command prepares the databases and exits 0; the pod gets ready;
 *  - a job submitted over REST is in DiracX's JobDB (read directly) and found by search, not by
 *    another user; an MCP tool call with a token for /mcp submits and searches.
 * Skipped, with the reason in its name, without podman, runc or MariaDB, unless
 * DIRACX_REQUIRE_PODMAN_TESTS=1 or DIRACX_REQUIRE_MARIADB_TESTS=1 makes that a failure (CI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { chmod, chown, lchown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import { buildImage } from '../../deploy/container/build-image.ts';
import { podman, podmanOk, podmanPath } from '../../deploy/container/podman.ts';
import { loadConfigFile } from '../../src/config/file-source.ts';
import type { Config } from '../../src/config/schema.ts';
import { encodeBase64Url } from '../../src/logic/auth/encoding.ts';
import { generateKeystore, type Keystore } from '../../src/logic/auth/tokens/keystore.ts';
import { mintTokenFor } from '../harness/auth.ts';
import { createTestConfigRepository } from '../harness/config-repository.ts';
import {
  connectServer,
  createDatabaseSet,
  type DatabaseSet,
  MARIADB_TESTS_REQUIRED,
  mariadbAvailability,
  serverUrl,
} from '../harness/mariadb.ts';
import { findFreePort } from '../harness/server-process.ts';
import { CHART_CS_STORE_CLAIM, CHART_KEYSTORE_SECRET, chartSecrets } from './diracx-chart.ts';
import {
  type Container,
  find,
  generatedSecretKeys,
  kustomizationObjects,
  type KubeObject,
  podmanPlayable,
  podTemplate,
} from './kube-manifests.ts';
import { connectMcp, postJson, submitJdl } from './pod-clients.ts';
import { createEnvSecret, jobOutcome, KubePlayer, waitReady } from './podman-kube.ts';

const REQUIRED = Bun.env.DIRACX_REQUIRE_PODMAN_TESTS === '1' || MARIADB_TESTS_REQUIRED;
const OVERLAY = 'overlays/co-deployed';

async function availability(): Promise<string | undefined> {
  if (!podmanPath()) return 'no podman (apt-get install podman buildah runc)';
  if (!Bun.which('runc') && !Bun.which('runc', { PATH: '/usr/sbin:/usr/bin:/sbin' })) return 'no runc';
  const mariadb = await mariadbAvailability();
  return mariadb.available ? undefined : mariadb.reason;
}
const unavailable = await availability();

interface Volume {
  name: string;
  secret?: { secretName: string; items?: { key: string; path: string }[] };
  persistentVolumeClaim?: { claimName: string };
  emptyDir?: Record<string, unknown>;
}
interface PodSecurity {
  runAsUser?: number;
  runAsGroup?: number;
}
type Mounts = { volumeMounts?: { name: string; mountPath: string }[] };

/** The names of the Secrets and ConfigMaps a pod template's containers read through envFrom. */
function envSources(object: KubeObject): { secrets: string[]; configMaps: string[] } {
  const sources = podTemplate(object).spec.containers.flatMap((c) => c.envFrom ?? []);
  return {
    secrets: sources.flatMap((s) => (s.secretRef ? [s.secretRef.name] : [])),
    configMaps: sources.flatMap((s) => (s.configMapRef ? [s.configMapRef.name] : [])),
  };
}

if (unavailable && !REQUIRED) {
  const skippedTitle = [
    `the co-deployed Kubernetes overlay under podman (skipped: ${unavailable};`,
    'set DIRACX_REQUIRE_PODMAN_TESTS=1 or DIRACX_REQUIRE_MARIADB_TESTS=1 to fail instead)',
  ].join(' ');
  describe.skip(skippedTitle, () => {
    it("plays the co-deployed overlay on DiracX's MariaDB databases and serves REST and MCP", () => {});
  });
} else {
  describe("the co-deployed Kubernetes overlay under podman, on DiracX's MariaDB databases", () => {
    let dir = '';
    let connection: mysql.Connection | undefined;
    let set: DatabaseSet | undefined;
    let own = '';
    let objects: KubeObject[] = [];
    let deployment: KubeObject | undefined;
    let job: KubeObject | undefined;
    let secretNames: string[] = [];
    let config: Config | undefined;
    let keystore: Keystore | undefined;
    let issuer = '';
    let base = '';
    let played: KubePlayer | undefined;
    const podName = (): string => `${deployment!.metadata.name}-pod-0`;
    const token = (preferredUsername: string, audience?: string): Promise<string> =>
      mintTokenFor(config!, keystore!, issuer, {
        vo: 'example',
        group: 'example_user',
        preferredUsername,
        ...(audience ? { audience } : {}),
      });
    const jobRow = async (jobId: number): Promise<unknown[]> => {
      const [rows] = await connection!.query(
        `SELECT JobID, JobName, Owner, VO FROM \`${set!.names.JobDB}\`.Jobs WHERE JobID = ?`,
        [jobId],
      );
      return rows as unknown[];
    };

    /** Removes what a run (this one or an interrupted earlier one) left: pods, volumes, secrets. */
    const cleanUp = async (): Promise<void> => {
      await played?.down();
      if (deployment && job) await podman(['pod', 'rm', '--force', '--ignore', podName(), job.metadata.name]);
      await podman(['volume', 'rm', '--force', CHART_CS_STORE_CLAIM]);
      for (const name of secretNames) await podman(['secret', 'rm', name]);
    };

    beforeAll(async () => {
      if (unavailable) throw new Error(`the co-deployed podman test cannot run: ${unavailable}`);
      dir = await mkdtemp(join(tmpdir(), 'diracx-podman-co-'));
      objects = await kustomizationObjects(OVERLAY);
      deployment = objects.find((o) => o.kind === 'Deployment');
      job = objects.find((o) => o.kind === 'Job');
      if (!deployment || !job) throw new Error(`${OVERLAY} has no Deployment or no Job`);
      const ours = await generatedSecretKeys(OVERLAY);
      secretNames = [...new Set([...envSources(deployment).secrets, ...envSources(job).secrets])];
      await cleanUp();
      const image = (await buildImage()).tag;

      connection = await connectServer();
      set = await createDatabaseSet(connection, 'podco');
      own = `${set.names.JobDB.replace(/_JobDB$/, '')}_own`;
      await connection.query(`CREATE DATABASE \`${own}\``);

      // What the release gives: its settings Secrets, and ours beside them (every one the pods
      // and the Job read, with the keys the overlay's example names).
      const secrets: Record<string, Record<string, string>> = {
        ...chartSecrets({
          stateKey: encodeBase64Url(crypto.getRandomValues(new Uint8Array(32))),
          databaseUrl: (db) => set!.diracxUrl(db),
          opensearch: JSON.stringify({ hosts: 'https://opensearch.invalid:9200' }),
        }),
        ...Object.fromEntries([...ours.keys()].map((name) => [name, { DIRACX_OWN_DB_URL: serverUrl(own) }])),
      };
      for (const [name, keys] of ours) expect({ name, keys }).toEqual({ name, keys: ['DIRACX_OWN_DB_URL'] });
      expect(secretNames.filter((name) => !(name in secrets))).toEqual([]);
      for (const name of secretNames) await createEnvSecret(dir, name, secrets[name]!);

      const template = podTemplate(deployment);
      const volumes = (template.spec.volumes ?? []) as unknown as Volume[];
      const [server] = template.spec.containers as (Container & Mounts)[];
      const mountOf = (volume: string): string => {
        const mount = server?.volumeMounts?.find((m) => m.name === volume);
        if (!mount) throw new Error(`no mount of the volume ${volume}`);
        return mount.mountPath;
      };
      const security = template.spec.securityContext as PodSecurity | undefined;
      const uid = security?.runAsUser ?? 0;
      const gid = security?.runAsGroup ?? uid;
      const hostPaths: Record<string, string> = {};

      // The chart's keystore Secret: the files its items name, as Kubernetes writes them.
      keystore = await generateKeystore();
      const jwks = volumes.find((v) => v.secret?.secretName === CHART_KEYSTORE_SECRET);
      if (!jwks?.secret?.items?.length) throw new Error(`no volume of the Secret ${CHART_KEYSTORE_SECRET}`);
      hostPaths[jwks.name] = join(dir, jwks.name);
      await mkdir(hostPaths[jwks.name]!);
      for (const item of jwks.secret.items) await writeFile(join(dir, jwks.name, item.path), JSON.stringify(keystore));

      // emptyDirs: empty and writable by anyone, as Kubernetes makes them.
      for (const volume of volumes.filter((v) => v.emptyDir)) {
        hostPaths[volume.name] = join(dir, volume.name);
        await mkdir(hostPaths[volume.name]!);
        await chmod(hostPaths[volume.name]!, 0o777);
      }

      // The configuration repository in the claim's volume, owned by the pods' user (git
      // refuses another user's), holding the base's example configuration.
      const settingsName = envSources(deployment).configMaps[0]!;
      const settings = find(objects, 'ConfigMap', settingsName).data ?? {};
      issuer = String(settings.DIRACX_SERVICE_AUTH_TOKEN_ISSUER);
      const claim = volumes.find((v) => v.persistentVolumeClaim?.claimName === CHART_CS_STORE_CLAIM);
      if (!claim) throw new Error(`no volume of the claim ${CHART_CS_STORE_CLAIM}`);
      const repoPath = new URL(String(settings.DIRACX_CONFIG_BACKEND_URL).replace(/^git\+/, '')).pathname;
      const mountPath = mountOf(claim.name);
      expect(repoPath).toStartWith(`${mountPath}/`);
      await podmanOk(['volume', 'create', CHART_CS_STORE_CLAIM]);
      const volumeRoot = (
        await podmanOk(['volume', 'inspect', '--format', '{{.Mountpoint}}', CHART_CS_STORE_CLAIM])
      ).trim();
      const configText = String(
        find(await kustomizationObjects('base'), 'ConfigMap', 'diracx-cs').data?.['default.yml'],
      );
      await writeFile(join(dir, 'default.yml'), configText);
      config = (await loadConfigFile(join(dir, 'default.yml'))).config;
      const repo = await createTestConfigRepository(join(volumeRoot, repoPath.slice(mountPath.length)));
      await repo.commit(configText, new Date());
      await chownTree(volumeRoot, uid, gid);

      const port = findFreePort();
      base = `http://127.0.0.1:${port}`;
      const playable = podmanPlayable(objects, {
        image,
        port,
        settingsConfigMap: settingsName,
        // The test's client reaches the pod at 127.0.0.1, not the public host.
        settings: { DIRACX_MCP_ALLOWED_HOSTS: `127.0.0.1:${port}` },
        hostPaths,
      });
      played = new KubePlayer(dir);
      const configMaps = playable.filter((o) => o.kind === 'ConfigMap');
      await played.play('migrate', [...configMaps, ...playable.filter((o) => o.kind === 'Pod')]);
      const migrated = await jobOutcome(`${job.metadata.name}-${podTemplate(job).spec.containers[0]!.name}`);
      expect({ exit: migrated.exit, log: migrated.log }).toMatchObject({ exit: '0' });
      expect(migrated.stdout).toContain('migrations applied (mysql');

      await played.play('deployment', [...configMaps, ...playable.filter((o) => o.kind === 'Deployment')]);
      await waitReady(base).catch(async (err) => {
        const logs = await podman(['logs', `${podName()}-${server?.name}`]);
        throw new Error(`${err instanceof Error ? err.message : err}\n${logs.stdout}${logs.stderr}`);
      });
    }, 240_000);

    afterAll(async () => {
      await cleanUp();
      await set?.drop();
      if (own) await connection?.query(`DROP DATABASE IF EXISTS \`${own}\``);
      await connection?.end();
      if (dir) await rm(dir, { recursive: true, force: true });
    }, 120_000);

    it("is ready, as the chart's user, on the release's configuration repository and keystore", async () => {
      const ready = await fetch(`${base}/api/health/ready`);
      expect(ready.status).toBe(200);
      const [server] = podTemplate(deployment!).spec.containers;
      const script = "console.log(/Uid:\\s+(\\d+)/.exec(require('node:fs').readFileSync('/proc/1/status', 'utf8'))[1])";
      const uid = await podmanOk(['exec', `${podName()}-${server?.name}`, '/usr/local/bin/bun', '-e', script]);
      expect(uid.trim()).toBe(String(podTemplate(deployment!).spec.securityContext?.runAsUser));
    });

    it("stores a job submitted over REST in DiracX's JobDB, and finds it by search for its owner only", async () => {
      const alice = await token('alice');
      const jobId = await submitJdl(base, alice, '[Executable = "echo"; JobName = "co-deployed-rest";]');
      expect(await jobRow(jobId)).toEqual([
        { JobID: jobId, JobName: 'co-deployed-rest', Owner: 'alice', VO: 'example' },
      ]);
      const search = {
        parameters: ['JobID', 'JobName', 'Owner'],
        search: [{ parameter: 'JobID', operator: 'eq', value: jobId }],
      };
      const found = await postJson(base, '/api/jobs/search', alice, search);
      expect(await found.json()).toEqual([{ JobID: jobId, JobName: 'co-deployed-rest', Owner: 'alice' }]);
      const hidden = await postJson(base, '/api/jobs/search', await token('bob'), search);
      expect(hidden.status).toBe(200);
      expect(await hidden.json()).toEqual([]);
    });

    it('answers an MCP tool call with a token for /mcp, and refuses one without', async () => {
      const anonymous = await fetch(`${base}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(anonymous.status).toBe(401);
      const client = await connectMcp(base, await token('alice', `${issuer}/mcp`));
      try {
        const made = await client.callTool({
          name: 'submit_job',
          arguments: { executable: 'echo', job_name: 'co-deployed-mcp' },
        });
        expect(made.isError).toBeFalsy();
        const jobId = (made.structuredContent as { job_ids: number[] }).job_ids[0]!;
        expect(await jobRow(jobId)).toEqual([
          { JobID: jobId, JobName: 'co-deployed-mcp', Owner: 'alice', VO: 'example' },
        ]);
        const seen = await client.callTool({
          name: 'search_jobs',
          arguments: { parameter: 'JobID', operator: 'eq', value: String(jobId) },
        });
        const rows = (seen.structuredContent as { data: { JobID: number; JobName: string }[] }).data;
        expect(rows.map((r) => [r.JobID, r.JobName])).toEqual([[jobId, 'co-deployed-mcp']]);
      } finally {
        await client.close();
      }
    });
  });
}

/** `chown -R uid:gid root`. */
async function chownTree(root: string, uid: number, gid: number): Promise<void> {
  await chown(root, uid, gid);
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    await lchown(join(entry.parentPath, entry.name), uid, gid);
  }
}
