/**
 * The part of kustomize the overlays under deploy/kubernetes use, for the tests that play them
 * without kubectl (CI has none): strategic-merge patches (maps merged key by key, `null` removing
 * a key, the pod lists merged by their Kubernetes merge keys, other lists replaced, `$patch: delete`
 * removing a list item or a whole object) and `namePrefix` (the objects renamed, and the references
 * to them: envFrom, volumes, an Ingress's backends, an HPA's target; names of objects from
 * elsewhere, such as a Helm release's Secrets, stay). test/deploy/kustomize.test.ts compares the
 * result with `kubectl kustomize` where kubectl is installed.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonMap = { [key: string]: Json };

/** The merge keys of the lists the overlays patch (Kubernetes' `patchMergeKey`s). */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  env: 'name',
  ports: 'containerPort',
};

/** A patch directive strategic merge understands, or a shape it does not. */
export class StrategicMergeError extends Error {
  override readonly name = 'StrategicMergeError';
}

function isMap(value: Json | undefined): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A patch value without its directives, for a key the target does not have yet. */
function plain(value: Json): Json {
  if (Array.isArray(value)) return value.filter((v) => !(isMap(v) && v.$patch === 'delete')).map(plain);
  if (!isMap(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k, v]) => k !== '$patch' && v !== null)
      .map(([k, v]) => [k, plain(v)]),
  );
}

function mergeList(target: Json[], patch: Json[], mergeKey: string): Json[] {
  const matched = new Set<number>();
  const merged: Json[] = [];
  for (const item of patch) {
    if (!isMap(item) || item[mergeKey] === undefined) {
      throw new StrategicMergeError(`a list merged by ${mergeKey} has an item without it: ${JSON.stringify(item)}`);
    }
    const index = target.findIndex((t) => isMap(t) && t[mergeKey] === item[mergeKey]);
    if (index >= 0) matched.add(index);
    if (item.$patch === 'delete') continue;
    const current = target[index];
    merged.push(isMap(current) ? mergeMaps(current, item) : plain(item));
  }
  // kustomize's order: the patch's items first, then the target's it did not name.
  return [...merged, ...target.filter((_, i) => !matched.has(i))];
}

/** `target` with `patch` merged into it (neither is changed). */
export function mergeMaps(target: JsonMap, patch: JsonMap): JsonMap {
  const out: JsonMap = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch') continue;
    const current = out[key];
    const mergeKey = MERGE_KEYS[key];
    if (value === null) delete out[key];
    else if (Array.isArray(value) && Array.isArray(current) && mergeKey) out[key] = mergeList(current, value, mergeKey);
    else if (isMap(value) && isMap(current)) out[key] = mergeMaps(current, value);
    else out[key] = plain(value);
  }
  return out;
}

interface Named {
  kind: string;
  metadata: { name: string };
}

/**
 * Applies a strategic-merge patch to the object of `objects` it names (its kind and name, or
 * `target`'s); `$patch: delete` at the top removes that object. Throws when none matches.
 */
export function applyPatch<T extends Named>(
  objects: T[],
  patch: JsonMap,
  target?: { kind: string; name: string },
): T[] {
  const metadata = patch.metadata;
  const kind = target?.kind ?? patch.kind;
  const name = target?.name ?? (isMap(metadata) ? metadata.name : undefined);
  const index = objects.findIndex((o) => o.kind === kind && o.metadata.name === name);
  if (index < 0) throw new StrategicMergeError(`the patch names ${kind} ${name}, which is not among the objects`);
  if (patch.$patch === 'delete') return objects.filter((_, i) => i !== index);
  const patched = mergeMaps(objects[index] as unknown as JsonMap, patch) as unknown as T;
  return objects.map((o, i) => (i === index ? patched : o));
}

/** The references to other objects the overlays hold, and the kind each names. */
function renameReferences(value: Json, rename: (kind: string, name: string) => string): Json {
  if (Array.isArray(value)) return value.map((v) => renameReferences(v, rename));
  if (!isMap(value)) return value;
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(value)) out[k] = renameReferences(v, rename);
  const refKind: Record<string, [string, string]> = {
    configMapRef: ['ConfigMap', 'name'],
    secretRef: ['Secret', 'name'],
    configMap: ['ConfigMap', 'name'],
    secret: ['Secret', 'secretName'],
    service: ['Service', 'name'],
    scaleTargetRef: ['Deployment', 'name'],
  };
  for (const [k, [kind, field]] of Object.entries(refKind)) {
    const ref = out[k];
    if (isMap(ref) && typeof ref[field] === 'string') out[k] = { ...ref, [field]: rename(kind, ref[field]) };
  }
  return out;
}

/**
 * kustomize's `namePrefix`: every object (and every Secret `generated` names) gets `prefix`, and
 * the references to them follow; references to anything else are left as they are.
 */
export function prefixNames<T extends Named>(
  objects: T[],
  prefix: string,
  generated: { kind: string; name: string }[],
): T[] {
  const ours = new Set(
    [...objects, ...generated.map((g) => ({ kind: g.kind, metadata: { name: g.name } }))].map(
      (o) => `${o.kind}/${o.metadata.name}`,
    ),
  );
  const rename = (kind: string, name: string): string => (ours.has(`${kind}/${name}`) ? `${prefix}${name}` : name);
  return objects.map((object) => {
    const renamed = renameReferences(object as unknown as JsonMap, rename) as unknown as T;
    return { ...renamed, metadata: { ...renamed.metadata, name: `${prefix}${object.metadata.name}` } };
  });
}
