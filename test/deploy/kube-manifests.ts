/**
 * Reads the Kubernetes objects of a kustomize overlay under deploy/kubernetes/ as kustomize would
 * build them (its `resources`, following other kustomizations, then its patches and `namePrefix`:
 * ./strategic-merge.ts), without kustomize; what it generates (the Secret) the podman tests make
 * themselves, named without kustomize's hash suffix. Also the changes that let Debian's podman 4.3
 * play them on one machine (see podmanPlayable).
 */
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/server-process.ts';
import { applyPatch, prefixNames } from './strategic-merge.ts';

export const KUBERNETES_DIR = join(REPO_ROOT, 'deploy', 'kubernetes');

/** A Kubernetes object, as far as the test reads it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  data?: Record<string, string | null>;
  spec?: Record<string, unknown>;
}

export interface PodSpec {
  hostNetwork?: boolean;
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  volumes?: Record<string, unknown>[];
}

export interface Probe {
  httpGet?: { path: string; port: number | string };
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  securityContext?: { readOnlyRootFilesystem?: boolean };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
}

interface Kustomization {
  resources?: string[];
  namePrefix?: string;
  secretGenerator?: { name: string; envs?: string[] }[];
  patches?: { path?: string; patch?: string; target?: { kind: string; name: string } }[];
}

type Patch = Parameters<typeof applyPatch>[1];

async function readYamlDocuments(path: string): Promise<unknown[]> {
  const parsed: unknown = Bun.YAML.parse(await Bun.file(path).text());
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** The objects of the kustomization in `dir` (relative to deploy/kubernetes), resources in order. */
export async function kustomizationObjects(dir: string): Promise<KubeObject[]> {
  const root = join(KUBERNETES_DIR, dir);
  const [kustomization] = (await readYamlDocuments(join(root, 'kustomization.yaml'))) as Kustomization[];
  let objects: KubeObject[] = [];
  for (const resource of kustomization?.resources ?? []) {
    const path = join(root, resource);
    if (await Bun.file(join(path, 'kustomization.yaml')).exists()) {
      objects.push(...(await kustomizationObjects(join(dir, resource))));
    } else {
      objects.push(...((await readYamlDocuments(path)) as KubeObject[]));
    }
  }
  for (const { path, patch, target } of kustomization?.patches ?? []) {
    const text = path ? await Bun.file(join(root, path)).text() : (patch ?? '');
    objects = applyPatch(objects, Bun.YAML.parse(text) as Patch, target);
  }
  if (!kustomization?.namePrefix) return objects;
  const generated = (kustomization.secretGenerator ?? []).map((g) => ({ kind: 'Secret', name: g.name }));
  return prefixNames(objects, kustomization.namePrefix, generated);
}

/** The keys of the overlay's generated Secrets (their env files' examples), by Secret name (with its prefix). */
export async function generatedSecretKeys(dir: string): Promise<Map<string, string[]>> {
  const root = join(KUBERNETES_DIR, dir);
  const [kustomization] = (await readYamlDocuments(join(root, 'kustomization.yaml'))) as Kustomization[];
  const secrets = new Map<string, string[]>();
  for (const generator of kustomization?.secretGenerator ?? []) {
    const keys: string[] = [];
    for (const env of generator.envs ?? []) {
      const example = await Bun.file(join(root, `${env}.example`)).text();
      for (const line of example.split('\n')) {
        const match = /^([A-Z][A-Z0-9_]*)=/.exec(line);
        if (match?.[1]) keys.push(match[1]);
      }
    }
    secrets.set(`${kustomization?.namePrefix ?? ''}${generator.name}`, keys);
  }
  return secrets;
}

export function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the manifests`);
  return found;
}

/** The pod template of a Deployment or Job. */
export function podTemplate(object: KubeObject): { metadata?: KubeObject['metadata']; spec: PodSpec } {
  const template = object.spec?.template as { metadata?: KubeObject['metadata']; spec: PodSpec } | undefined;
  if (!template) throw new Error(`${object.kind} ${object.metadata.name} has no pod template`);
  return template;
}

export interface PlayOptions {
  image: string;
  port: number;
  /** Values replacing (or added to) the settings ConfigMap's. */
  settings: Record<string, string>;
  settingsConfigMap: string;
  /**
   * Volumes of the Deployment's pods replaced by host directories, by volume name. podman 4.3
   * writes a Secret volume's files base64-encoded, and fills an emptyDir with the image's
   * directory (owned by the image's user) where Kubernetes gives an empty directory anyone can
   * write (fsGroup, which podman ignores, then owns it): a pod running as another user (the
   * co-deployed overlay's) needs directories the test prepares as Kubernetes would.
   */
  hostPaths?: Record<string, string>;
}

/**
 * What podman 4.3 on one machine needs, and nothing else: the locally built image; host
 * networking (no pod network here; no published ports), so one replica on a free port (several replicas would all
 * bind one port of the host); probes on that port. A Job is played as the Pod of its template
 * (podman plays no Jobs), restarting never, so that its exit code is the Job's outcome.
 */
export function podmanPlayable(objects: KubeObject[], options: PlayOptions): KubeObject[] {
  const copy = structuredClone(objects);
  const playable: KubeObject[] = [];
  for (const object of copy) {
    if (object.kind === 'ConfigMap') {
      if (object.metadata.name === options.settingsConfigMap) {
        object.data = { ...object.data, ...options.settings, PORT: String(options.port) };
      }
      playable.push(object);
    } else if (object.kind === 'Deployment' || object.kind === 'Job') {
      const template = podTemplate(object);
      template.spec.hostNetwork = true;
      for (const container of template.spec.containers) {
        container.image = options.image;
        // Host networking publishes nothing: the server binds PORT on the host itself.
        delete container.ports;
        for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
          if (probe?.httpGet) probe.httpGet.port = options.port;
        }
      }
      if (object.kind === 'Deployment') {
        object.spec = { ...object.spec, replicas: 1 };
        for (const [name, path] of Object.entries(options.hostPaths ?? {})) {
          const index = template.spec.volumes?.findIndex((v) => v.name === name) ?? -1;
          if (index < 0) throw new Error(`the Deployment ${object.metadata.name} has no volume ${name}`);
          template.spec.volumes![index] = { name, hostPath: { path, type: 'Directory' } };
        }
        playable.push(object);
      } else {
        template.spec.restartPolicy = 'Never';
        playable.push({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { ...template.metadata, name: object.metadata.name },
          spec: template.spec as unknown as Record<string, unknown>,
        });
      }
    }
  }
  return playable;
}

/** A multi-document YAML file podman reads (JSON documents are YAML). */
export function playFile(objects: KubeObject[]): string {
  return objects.map((o) => `---\n${JSON.stringify(o, null, 2)}\n`).join('');
}
