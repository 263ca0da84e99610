/**
 * The image and the standalone Kubernetes manifests, run for real with Debian's podman (runc,
 * cgroupfs, no default ulimits: deploy/podman/containers.conf), against the machine's PostgreSQL
 * (a fresh database per run):
 *  - `bun run image`'s builder makes (or finds, by the hash of its inputs) the image;
 *  - the objects of deploy/kubernetes/overlays/standalone (its base's ConfigMaps, Deployment and
 *    migration Job) are played with `podman kube play`, changed only as podman on one machine
 *    needs (test/deploy/kube-manifests.ts: host networking, one replica on a free port, the Job as
 *    a Pod, the local image); the generated Secret becomes a podman secret holding the keys its
 *    example names (no S3 here: the local sandbox store in the pod's emptyDir);
 *  - the Job migrates the fresh database and exits 0; the pod passes its probes; a job is
 *    submitted and searched over REST and MCP with tokens signed by the Secret's keystore, and
 *    another user does not see it; the server runs as uid 10001 on a read-only root filesystem;
 *  - the pod is stopped (SIGTERM, lame duck, drain, exit 0) and started under a stream of
 *    REST and MCP submissions whose client retries a call only when its connection is refused
 *    (never sent): every submission answered 2xx is in the database.
 * The Service, Ingress, PodDisruptionBudget and HPA are not played (podman has none of them):
 * their consistency with the Deployment is checked here, their behaviour only on paper.
 * Skipped, with the reason in its name, without podman, runc or PostgreSQL, unless
 * DIRACX_REQUIRE_PODMAN_TESTS=1 makes that a failure (CI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { buildImage, IMAGE_UID } from '../../deploy/container/build-image.ts';
import { podman, podmanOk, podmanPath } from '../../deploy/container/podman.ts';
import { loadConfigFile } from '../../src/config/file-source.ts';
import type { Config } from '../../src/config/schema.ts';
import { encodeBase64Url } from '../../src/logic/auth/encoding.ts';
import { generateKeystore, type Keystore } from '../../src/logic/auth/tokens/keystore.ts';
import { mintTokenFor } from '../harness/auth.ts';
import { urlForDatabase } from '../harness/database.ts';
import { findFreePort, waitFor } from '../harness/server-process.ts';
import {
  find,
  generatedSecretKeys,
  kustomizationObjects,
  type KubeObject,
  podmanPlayable,
  podTemplate,
} from './kube-manifests.ts';
import { connectMcp, postJson } from './pod-clients.ts';
import { createEnvSecret, jobOutcome, KubePlayer, waitReady } from './podman-kube.ts';

const REQUIRED = Bun.env.DIRACX_REQUIRE_PODMAN_TESTS === '1';
const ADMIN_URL = Bun.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const OVERLAY = 'overlays/standalone';
const SETTINGS_CONFIGMAP = 'diracx-env';
const CS_CONFIGMAP = 'diracx-cs';
const SECRET = 'diracx-ts-secrets';
/** Pod and container names podman gives the Deployment's replica and the Job's pod. */
const POD = 'diracx-pod-0';
const SERVER_CONTAINER = `${POD}-server`;
const MIGRATE_POD = 'diracx-migrate';
const MIGRATE_CONTAINER = `${MIGRATE_POD}-migrate`;

async function availability(): Promise<string | undefined> {
  if (!podmanPath()) return 'no podman (apt-get install podman buildah runc)';
  if (!Bun.which('runc') && !Bun.which('runc', { PATH: '/usr/sbin:/usr/bin:/sbin' })) return 'no runc';
  const sql = postgres(ADMIN_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return undefined;
  } catch (err) {
    return `no PostgreSQL at ${new URL(ADMIN_URL).host} (${err instanceof Error ? err.message : String(err)})`;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => undefined);
  }
}
const unavailable = await availability();

/** Bun's fetch error for a connection the peer refused: the request was never sent. */
function refused(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'ECONNREFUSED' || code === 'ConnectionRefused';
}

interface Submission {
  via: 'rest' | 'mcp';
  name: string;
  /** The job ids of a 2xx answer; undefined when the call failed. */
  jobIds?: number[];
  error?: string;
  at: number;
}

if (unavailable && !REQUIRED) {
  const skippedTitle = [
    `the image and Kubernetes manifests under podman (skipped: ${unavailable};`,
    `set DIRACX_REQUIRE_PODMAN_TESTS=1 to fail instead)`,
  ].join(' ');
  describe.skip(skippedTitle, () => {
    it('plays the standalone manifests and serves REST and MCP across a pod restart', () => {});
  });
} else {
  describe('the image and the standalone Kubernetes manifests under podman', () => {
    let dir = '';
    let dbName = '';
    let dbUrl = '';
    let admin: postgres.Sql | undefined;
    let objects: KubeObject[] = [];
    let image = '';
    /** For `podman run`: a build by a concurrent test with other inputs may untag `image`. */
    let imageId = '';
    let port = 0;
    let base = '';
    let config: Config | undefined;
    let keystore: Keystore | undefined;
    let player: KubePlayer | undefined;
    const issuer = (): string =>
      String(find(objects, 'ConfigMap', SETTINGS_CONFIGMAP).data?.DIRACX_SERVICE_AUTH_TOKEN_ISSUER);
    const token = (preferredUsername: string, audience?: string): Promise<string> =>
      mintTokenFor(config!, keystore!, issuer(), {
        vo: 'example',
        group: 'example_user',
        preferredUsername,
        ...(audience ? { audience } : {}),
      });

    /** Removes what a run (this one or an interrupted earlier one) left: pods, volumes, the secret. */
    const cleanUp = async (): Promise<void> => {
      await player?.down();
      await podman(['pod', 'rm', '--force', '--ignore', POD, MIGRATE_POD]);
      await podman(['volume', 'rm', '--force', SETTINGS_CONFIGMAP, CS_CONFIGMAP, SECRET]);
      await podman(['secret', 'rm', SECRET]);
    };

    beforeAll(async () => {
      if (unavailable) throw new Error(`DIRACX_REQUIRE_PODMAN_TESTS=1 but the podman test cannot run: ${unavailable}`);
      dir = await mkdtemp(join(tmpdir(), 'diracx-podman-'));
      player = new KubePlayer(dir);
      await cleanUp();
      const built = await buildImage();
      image = built.tag;
      imageId = built.id;

      dbName = `podman_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
      admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      await admin.unsafe(`CREATE DATABASE "${dbName}"`);
      dbUrl = urlForDatabase(ADMIN_URL, dbName);

      objects = await kustomizationObjects(OVERLAY);
      await writeFile(join(dir, 'default.yml'), String(find(objects, 'ConfigMap', CS_CONFIGMAP).data?.['default.yml']));
      config = (await loadConfigFile(join(dir, 'default.yml'))).config;
      keystore = await generateKeystore();

      // The Secret the overlay generates, as a podman secret: a JSON map of base64 values.
      const values: Record<string, string> = {
        DATABASE_URL: dbUrl,
        DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE: JSON.stringify(keystore),
        DIRACX_SERVICE_AUTH_STATE_KEY: encodeBase64Url(crypto.getRandomValues(new Uint8Array(32))),
      };
      const keys = (await generatedSecretKeys(OVERLAY)).get(SECRET) ?? [];
      const missing = keys.filter((k) => !(k in values) && !k.startsWith('DIRACX_SANDBOX_STORE_'));
      expect(missing).toEqual([]);
      await createEnvSecret(dir, SECRET, values);

      port = findFreePort();
      base = `http://127.0.0.1:${port}`;
      const playable = podmanPlayable(objects, {
        image,
        port,
        settingsConfigMap: SETTINGS_CONFIGMAP,
        // The test's client reaches the pod at 127.0.0.1, not the public host; it streams MCP
        // calls from one user faster than the per-caller limit allows.
        settings: { DIRACX_MCP_ALLOWED_HOSTS: `127.0.0.1:${port}`, DIRACX_MCP_RATE_LIMIT_PER_MINUTE: '0' },
      });
      const configMaps = playable.filter((o) => o.kind === 'ConfigMap');
      await player.play('migrate', [...configMaps, ...playable.filter((o) => o.kind === 'Pod')]);
      const migrated = await jobOutcome(MIGRATE_CONTAINER);
      expect({ exit: migrated.exit, log: migrated.log }).toMatchObject({ exit: '0' });
      expect(migrated.stdout).toContain('migrations applied (postgres');

      await player.play('deployment', [...configMaps, ...playable.filter((o) => o.kind === 'Deployment')]);
      await waitReady(base);
    }, 240_000);

    afterAll(async () => {
      await cleanUp();
      if (admin) {
        await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
        await admin.end({ timeout: 1 });
      }
      if (dir) await rm(dir, { recursive: true, force: true });
    }, 120_000);

    it('keeps the objects podman cannot play consistent with the Deployment', () => {
      const deployment = find(objects, 'Deployment', 'diracx');
      const template = podTemplate(deployment);
      const labels = template.metadata?.labels ?? {};
      const selects = (selector: Record<string, string>): boolean =>
        Object.entries(selector).every(([k, v]) => labels[k] === v);
      const service = find(objects, 'Service', 'diracx').spec as { selector: Record<string, string> };
      const pdb = find(objects, 'PodDisruptionBudget', 'diracx').spec as {
        selector: { matchLabels: Record<string, string> };
      };
      expect(selects(service.selector) && selects(pdb.selector.matchLabels)).toBe(true);
      expect(Number(deployment.spec?.replicas)).toBeGreaterThan(1);
      // The grace period outlasts the lame-duck period and the drain the settings give.
      const settings = find(objects, 'ConfigMap', SETTINGS_CONFIGMAP).data ?? {};
      const shutdown =
        Number(settings.DIRACX_SHUTDOWN_LAME_DUCK_SECONDS) + Number(settings.DIRACX_SHUTDOWN_GRACE_SECONDS);
      expect(template.spec.terminationGracePeriodSeconds ?? 30).toBeGreaterThan(shutdown);
      const ingress = find(objects, 'Ingress', 'diracx').metadata.annotations ?? {};
      expect(ingress['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
      expect(Number(ingress['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(3600);
      const hpa = find(objects, 'HorizontalPodAutoscaler', 'diracx').spec as { scaleTargetRef: { name: string } };
      expect(hpa.scaleTargetRef.name).toBe('diracx');
    });

    it("answers the Deployment's probes (podman does not run them: its healthcheck needs curl)", async () => {
      const [container] = podTemplate(find(objects, 'Deployment', 'diracx')).spec.containers;
      const probes = [container?.startupProbe, container?.livenessProbe, container?.readinessProbe];
      const paths = probes.map((p) => p?.httpGet?.path);
      expect(paths).toEqual(['/api/health/startup', '/api/health/live', '/api/health/ready']);
      for (const path of paths) {
        const res = await fetch(`${base}${path}`);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
      }
    });

    it('stops with a clear reason, in the container too, on a bad setting or an unreachable database', async () => {
      const run = (env: Record<string, string>, args: string[]) =>
        podman([
          'run',
          '--rm',
          '--read-only',
          '--network',
          'host',
          ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
          imageId,
          ...args,
        ]);
      const badPort = await run({ PORT: 'eighty', DATABASE_URL: dbUrl }, ['/app/server.js']);
      expect(badPort.code).toBe(1);
      expect(badPort.stderr).toContain('PORT');
      const nowhere = await run({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' }, ['/app/migrate.js']);
      expect(nowhere.code).toBe(1);
      expect(nowhere.stderr).toStartWith('diracx: migrate failed:');
    }, 60_000);

    it('runs the server as the unprivileged user on a read-only root filesystem', async () => {
      const inspected = JSON.parse(await podmanOk(['container', 'inspect', SERVER_CONTAINER])) as {
        HostConfig: { ReadonlyRootfs: boolean };
      }[];
      expect(inspected[0]?.HostConfig.ReadonlyRootfs).toBe(true);
      const script = [
        "const fs = require('node:fs');",
        "const uid = /Uid:\\s+(\\d+)/.exec(fs.readFileSync('/proc/1/status', 'utf8'))[1];",
        'const tryWrite = (p) => { try { fs.writeFileSync(p, "x"); return "written"; } catch (e) { return e.code; } };',
        "console.log(JSON.stringify({ uid, app: tryWrite('/app/x'), etc: tryWrite('/etc/x'),",
        "  data: tryWrite('/var/lib/diracx/probe'), tmp: tryWrite('/tmp/probe') }));",
      ].join('\n');
      const out = await podmanOk(['exec', SERVER_CONTAINER, '/usr/local/bin/bun', '-e', script]);
      expect(JSON.parse(out)).toEqual({
        uid: String(IMAGE_UID),
        app: 'EROFS',
        etc: 'EROFS',
        data: 'written',
        tmp: 'written',
      });
    });

    it('submits and searches a job over REST and MCP, and another user sees neither', async () => {
      const alice = await token('alice');
      const bob = await token('bob');
      const rest = (path: string, bearer: string, body: unknown): Promise<Response> =>
        postJson(base, path, bearer, body);
      const submitted = await rest('/api/jobs/jdl', alice, ['[Executable = "echo"; JobName = "podman-rest";]']);
      expect(submitted.status).toBe(201);
      const restJob = ((await submitted.json()) as { JobID: number }[])[0]!.JobID;
      const search = { parameters: ['JobID', 'JobName', 'Owner'], search: [{ parameter: 'JobName', operator: 'eq' }] };
      const found = await rest('/api/jobs/search', alice, {
        ...search,
        search: [{ parameter: 'JobID', operator: 'eq', value: restJob }],
      });
      expect(await found.json()).toEqual([{ JobID: restJob, JobName: 'podman-rest', Owner: 'alice' }]);
      const hidden = await rest('/api/jobs/search', bob, {
        ...search,
        search: [{ parameter: 'JobID', operator: 'eq', value: restJob }],
      });
      expect(hidden.status).toBe(200);
      expect(await hidden.json()).toEqual([]);

      // /mcp without a token: refused with the challenge naming the resource metadata.
      const anonymous = await fetch(`${base}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toContain('resource_metadata=');

      const mcpFor = async (user: string) => connectMcp(base, await token(user, `${issuer()}/mcp`));
      const aliceMcp = await mcpFor('alice');
      const bobMcp = await mcpFor('bob');
      try {
        const made = await aliceMcp.callTool({
          name: 'submit_job',
          arguments: { executable: 'echo', job_name: 'podman-mcp' },
        });
        expect(made.isError).toBeFalsy();
        const mcpJob = (made.structuredContent as { job_ids: number[] }).job_ids[0]!;
        const searchArgs = { parameter: 'JobID', operator: 'in', values: [String(restJob), String(mcpJob)] };
        const seen = await aliceMcp.callTool({ name: 'search_jobs', arguments: searchArgs });
        const rows = (seen.structuredContent as { data: { JobID: number; JobName: string }[] }).data;
        expect(rows.map((r) => [r.JobID, r.JobName]).sort()).toEqual(
          [
            [restJob, 'podman-rest'],
            [mcpJob, 'podman-mcp'],
          ].sort(),
        );
        const notSeen = await bobMcp.callTool({ name: 'search_jobs', arguments: searchArgs });
        expect((notSeen.structuredContent as { data: unknown[] }).data).toEqual([]);
      } finally {
        await aliceMcp.close();
        await bobMcp.close();
      }
    });

    it('loses no acknowledged submission when the pod stops and starts under a stream of calls', async () => {
      const restToken = await token('alice');
      const mcpToken = await token('alice', `${issuer()}/mcp`);
      const t0 = Date.now();
      let stop = false;
      let refusals = 0;
      /** fetch that retries a call whose connection was refused (it never reached the server). */
      const retryingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
        for (;;) {
          try {
            return await fetch(input, init);
          } catch (err) {
            if (!refused(err) || Date.now() - t0 > 90_000) throw err;
            refusals++;
            await Bun.sleep(100);
          }
        }
      };
      const client = await connectMcp(base, mcpToken, { name: 'podman-restart', fetch: retryingFetch });
      const submissions: Submission[] = [];
      let counter = 0;
      const submit = async (via: 'rest' | 'mcp', name: string): Promise<Submission> => {
        try {
          if (via === 'rest') {
            const res = await retryingFetch(`${base}/api/jobs/jdl`, {
              method: 'POST',
              headers: { authorization: `Bearer ${restToken}`, 'content-type': 'application/json' },
              body: JSON.stringify([`[Executable = "echo"; JobName = "${name}";]`]),
            });
            if (res.status < 200 || res.status > 299)
              return { via, name, error: `HTTP ${res.status}: ${await res.text()}`, at: Date.now() };
            const jobIds = ((await res.json()) as { JobID: number }[]).map((j) => j.JobID);
            return { via, name, jobIds, at: Date.now() };
          }
          const result = await client.callTool({
            name: 'submit_job',
            arguments: { executable: 'echo', job_name: name },
          });
          if (result.isError) return { via, name, error: JSON.stringify(result.content), at: Date.now() };
          return { via, name, jobIds: (result.structuredContent as { job_ids: number[] }).job_ids, at: Date.now() };
        } catch (err) {
          return { via, name, error: err instanceof Error ? err.message : String(err), at: Date.now() };
        }
      };
      const worker = async (w: number): Promise<void> => {
        while (!stop) {
          const via = (counter + w) % 2 === 0 ? 'rest' : 'mcp';
          submissions.push(await submit(via, `podman-${w}-${counter++}`));
          // A steady stream, not a load test: the machine's cores are shared.
          await Bun.sleep(20);
        }
      };
      const workers = [0, 1, 2].map(worker);
      let startedAt = 0;
      try {
        await waitFor(() => submissions.filter((s) => s.jobIds).length >= 5, {
          timeoutMs: 30_000,
          description: 'submissions before the stop',
        });
        // SIGTERM: the lame-duck period, then the drain, then exit 0 (the Deployment's grace period).
        await podmanOk(['pod', 'stop', '--time', '30', POD]);
        const exitCode = (
          await podmanOk(['container', 'inspect', '--format', '{{.State.ExitCode}}', SERVER_CONTAINER])
        ).trim();
        expect(exitCode).toBe('0');
        startedAt = Date.now();
        await podmanOk(['pod', 'start', POD]);
        await waitFor(() => submissions.some((s) => s.jobIds && s.at > startedAt), {
          timeoutMs: 60_000,
          description: 'a submission acknowledged by the restarted pod',
        });
        await Bun.sleep(500);
      } finally {
        stop = true;
        await Promise.all(workers);
        await client.close();
      }
      const logs = await podman(['logs', SERVER_CONTAINER]);
      expect(logs.stdout).toContain('"signal":"SIGTERM"');

      const acknowledged = submissions.filter((s) => s.jobIds);
      const failed = submissions.filter((s) => !s.jobIds);
      console.info(
        `podman restart test: ${acknowledged.length} acknowledged, ${failed.length} failed, ` +
          `${refusals} refused connections retried`,
        { failed: failed.slice(0, 3) },
      );
      expect(acknowledged.some((s) => s.via === 'rest' && s.at > startedAt)).toBe(true);
      expect(acknowledged.some((s) => s.via === 'mcp' && s.at > startedAt)).toBe(true);
      const ids = acknowledged.flatMap((s) => s.jobIds!);
      const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
      try {
        const rows = await sql<
          { JobID: number; JobName: string }[]
        >`select "JobID", "JobName" from "Jobs" where "JobID" in ${sql(ids)}`;
        const stored = new Map(rows.map((r) => [r.JobID, r.JobName]));
        const lost = acknowledged.filter((s) => s.jobIds!.some((id) => stored.get(id) !== s.name));
        expect(lost).toEqual([]);
      } finally {
        await sql.end({ timeout: 1 });
      }
    }, 180_000);
  });
}
