/**
 * Playing Kubernetes objects with `podman kube play` for the tests of deploy/kubernetes' overlays
 * (test/deploy/podman.test.ts, podman-co-deployed.test.ts): Secrets as podman secrets, the played
 * files remembered for `kube down`, a Job's pod run to its end, a pod waited on until ready.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { podman, podmanOk } from '../../deploy/container/podman.ts';
import { waitFor } from '../harness/server-process.ts';
import { type KubeObject, playFile } from './kube-manifests.ts';

/**
 * A Secret read through `envFrom`, as a podman secret: podman 4.3 wants a JSON map of base64
 * values (`dir` holds the file it is made from).
 */
export async function createEnvSecret(dir: string, name: string, values: Record<string, string>): Promise<void> {
  const secret = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  const file = join(dir, `secret-${name}.json`);
  await writeFile(file, JSON.stringify(secret));
  await podmanOk(['secret', 'create', name, file]);
}

/** Plays sets of objects (each written to a file in `dir`) and takes them all down again. */
export class KubePlayer {
  private readonly files: string[] = [];

  constructor(private readonly dir: string) {}

  async play(name: string, objects: KubeObject[]): Promise<void> {
    const file = join(this.dir, `${name}.yaml`);
    await writeFile(file, playFile(objects));
    this.files.push(file);
    await podmanOk(['kube', 'play', file]);
  }

  async down(): Promise<void> {
    for (const file of this.files.splice(0)) await podman(['kube', 'down', file]);
  }
}

/** Waits for a played Job's container (restartPolicy Never) to end: its exit code and its output. */
export async function jobOutcome(container: string): Promise<{ exit: string; stdout: string; log: string }> {
  const exit = (await podmanOk(['wait', container])).trim();
  const logs = await podman(['logs', container]);
  return { exit, stdout: logs.stdout, log: logs.stdout + logs.stderr };
}

/** Waits until `${base}/api/health/ready` answers 200. */
export async function waitReady(base: string, timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => {
      const res = await fetch(`${base}/api/health/ready`).catch(() => undefined);
      return res?.status === 200;
    },
    { timeoutMs, intervalMs: 250, description: 'the pod to be ready' },
  );
}
