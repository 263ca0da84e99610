/**
 * Both overlays of deploy/kubernetes build with kustomize (`kubectl kustomize`, on a copy whose
 * secrets.env is its example), and the co-deployed one says what docs/co-deployment.md says: names
 * prefixed `mcp-`, the chart's Secrets (DiracX's database URLs among them, for the pods and the
 * migration Job), keystore and configuration repository, our own database's URL as our only
 * secret, no configuration file of ours, an Ingress for our paths only. Skipped, with the reason in its name, without
 * kubectl (Debian has no package of it; .ci/run does not install it), unless
 * DIRACX_REQUIRE_KUSTOMIZE_TESTS=1 makes that a failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'bun:test';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Container,
  type KubeObject,
  KUBERNETES_DIR,
  kustomizationObjects,
  podTemplate,
} from './kube-manifests.ts';

const REQUIRED = Bun.env.DIRACX_REQUIRE_KUSTOMIZE_TESTS === '1';
const KUBECTL = Bun.which('kubectl');

if (!KUBECTL && !REQUIRED) {
  const skippedTitle = [
    'the Kubernetes overlays under kustomize (skipped: no kubectl;',
    'set DIRACX_REQUIRE_KUSTOMIZE_TESTS=1 to fail instead)',
  ].join(' ');
  describe.skip(skippedTitle, () => {
    it('builds both overlays', () => {});
  });
} else {
  describe('the Kubernetes overlays under kustomize', () => {
    let dir = '';
    const built = new Map<string, KubeObject[]>();

    const build = async (overlay: string): Promise<KubeObject[]> => {
      const root = join(dir, 'overlays', overlay);
      await cp(join(root, 'secrets.env.example'), join(root, 'secrets.env'));
      const proc = Bun.spawn({ cmd: [KUBECTL!, 'kustomize', root], stdout: 'pipe', stderr: 'pipe' });
      const [code, out, err] = await Promise.all([
        proc.exited,
        new Response(proc.stdout).text(),
        new Response(proc.stderr).text(),
      ]);
      if (code !== 0) throw new Error(`kubectl kustomize ${overlay} failed with ${code}: ${err}`);
      return Bun.YAML.parse(out) as KubeObject[];
    };

    beforeAll(async () => {
      if (!KUBECTL) throw new Error('DIRACX_REQUIRE_KUSTOMIZE_TESTS=1 but there is no kubectl');
      dir = await mkdtemp(join(tmpdir(), 'diracx-kustomize-'));
      await cp(KUBERNETES_DIR, dir, { recursive: true });
      for (const overlay of ['standalone', 'co-deployed']) built.set(overlay, await build(overlay));
    });

    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const names = (objects: KubeObject[]): string[] => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();

    for (const overlay of ['standalone', 'co-deployed']) {
      it(`renders the ${overlay} overlay as the podman tests do without kubectl (kube-manifests.ts)`, async () => {
        // What the tests' renderer leaves out on purpose: the generated Secret (the tests make it,
        // without the hash suffix of its name), the base's common label and its image name.
        const comparable = (objects: KubeObject[]): Record<string, unknown> => {
          const out: Record<string, unknown> = {};
          for (const object of objects.filter((o) => o.kind !== 'Secret')) {
            const copy = structuredClone(object);
            const labels = copy.metadata.labels ?? {};
            delete labels['app.kubernetes.io/name'];
            if (Object.keys(labels).length === 0) delete copy.metadata.labels;
            const template = copy.spec?.template as { spec: { containers: Container[] } } | undefined;
            for (const container of template?.spec.containers ?? []) {
              container.image = 'diracx-ts';
              for (const source of container.envFrom ?? []) {
                if (source.secretRef) source.secretRef.name = source.secretRef.name.replace(/-[a-z0-9]{10}$/, '');
              }
            }
            out[`${copy.kind}/${copy.metadata.name}`] = copy;
          }
          return out;
        };
        const rendered = await kustomizationObjects(`overlays/${overlay}`);
        expect(comparable(rendered)).toEqual(comparable(built.get(overlay)!));
      });
    }

    it('builds the standalone overlay: the base, its HPA and the generated Secret', () => {
      const objects = built.get('standalone')!;
      const secret = objects.find((o) => o.kind === 'Secret')!;
      expect(secret.metadata.name).toStartWith('diracx-ts-secrets-');
      expect(names(objects.filter((o) => o.kind !== 'Secret'))).toEqual(
        [
          'ConfigMap/diracx-cs',
          'ConfigMap/diracx-env',
          'Deployment/diracx',
          'HorizontalPodAutoscaler/diracx',
          'Ingress/diracx',
          'Job/diracx-migrate',
          'PodDisruptionBudget/diracx',
          'Service/diracx',
        ].sort(),
      );
      const server = podTemplate(objects.find((o) => o.kind === 'Deployment')!).spec.containers[0]!;
      expect(server.envFrom?.map((e) => e.secretRef?.name ?? e.configMapRef?.name)).toEqual([
        'diracx-env',
        secret.metadata.name,
      ]);
    });

    it("builds the co-deployed overlay on the DiracX release's Secrets, keystore and repository", () => {
      const objects = built.get('co-deployed')!;
      expect(objects.every((o) => o.metadata.name.startsWith('mcp-'))).toBe(true);
      expect(objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'mcp-diracx-cs')).toBe(false);
      const env = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'mcp-diracx-env')!.data ?? {};
      expect(env.DIRACX_CONFIG).toBeUndefined();
      expect(env.DIRACX_CONFIG_BACKEND_URL).toStartWith('git+file:///cs_store/');
      const pod = podTemplate(objects.find((o) => o.kind === 'Deployment')!).spec;
      const server = pod.containers[0] as Container & { volumeMounts: { mountPath: string }[] };
      const refs = server.envFrom?.map((e) => e.secretRef?.name ?? e.configMapRef?.name) ?? [];
      expect(refs.slice(0, 5)).toEqual([
        'mcp-diracx-env',
        'diracx-secrets',
        'diracx-dynamic-secrets',
        'diracx-sql-connection-urls',
        'diracx-os-connection-urls',
      ]);
      expect(refs[5]).toStartWith('mcp-diracx-ts-secrets-');
      expect(refs).toHaveLength(6);
      // The migration Job on the same databases: DiracX's URLs and our own database's.
      const migrate = podTemplate(objects.find((o) => o.kind === 'Job')!).spec.containers[0]!;
      const jobRefs = migrate.envFrom?.map((e) => e.secretRef?.name ?? e.configMapRef?.name) ?? [];
      expect(jobRefs.slice(0, 2)).toEqual(['mcp-diracx-env', 'diracx-sql-connection-urls']);
      expect(jobRefs[2]).toStartWith('mcp-diracx-ts-secrets-');
      expect(jobRefs).toHaveLength(3);
      // Our Secret holds our own database's URL only: no PostgreSQL beside DiracX's databases.
      const secret = objects.find((o) => o.kind === 'Secret')!;
      expect(Object.keys(secret.data ?? {})).toEqual(['DIRACX_OWN_DB_URL']);
      expect(server.volumeMounts.map((m) => m.mountPath).sort()).toEqual(
        ['/cs_store', '/keystore', '/tmp', '/var/lib/diracx'].sort(),
      );
      const ingress = objects.find((o) => o.kind === 'Ingress')!.spec as {
        rules: { http: { paths: { path: string; backend: { service: { name: string } } }[] } }[];
      };
      const paths = ingress.rules[0]!.http.paths;
      expect(paths.map((p) => p.path).sort()).toEqual(
        [
          '/.well-known/oauth-authorization-server',
          '/.well-known/oauth-protected-resource',
          '/api/auth',
          '/mcp',
        ].sort(),
      );
      expect(new Set(paths.map((p) => p.backend.service.name))).toEqual(new Set(['mcp-diracx']));
    });
  });
}
