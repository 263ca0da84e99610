/**
 * @module logic/pep440
 * Parses and orders Python package versions (PEP 440), as DiracX does with `packaging` to
 * check the `DiracX-Client-Version` header: epoch, release, pre (a/b/rc), post, dev; a local
 * label (`+abc`) is accepted and ignored for ordering, as comparisons against a public
 * minimum ignore it in effect.
 */

export interface Version {
  epoch: number;
  release: number[];
  /** Pre-release as [rank, number], rank 0=a, 1=b, 2=rc. */
  pre: [number, number] | undefined;
  post: number | undefined;
  dev: number | undefined;
}

// The canonical PEP 440 pattern (appendix B), written for JavaScript.
const VERSION_PATTERN = new RegExp(
  '^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?:[-_.]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preN>[0-9]+)?)?' +
    '(?:-(?<postN1>[0-9]+)|[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?)?' +
    '(?:[-_.]?(?<devL>dev)[-_.]?(?<devN>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?' +
    '\\s*$',
  'i',
);

const PRE_RANK: Record<string, number> = { a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2 };

/** Parses a version string; `undefined` when it is not PEP 440. */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION_PATTERN.exec(text);
  if (!m?.groups) return undefined;
  const g = m.groups;
  const release = (g.release ?? '0').split('.').map(Number);
  const preL = g.preL?.toLowerCase();
  const hasPost = g.postN1 !== undefined || g.postL !== undefined;
  return {
    epoch: g.epoch ? Number(g.epoch) : 0,
    release,
    pre: preL ? [PRE_RANK[preL] ?? 0, Number(g.preN ?? 0)] : undefined,
    post: hasPost ? Number(g.postN1 ?? g.postN2 ?? 0) : undefined,
    dev: g.devL ? Number(g.devN ?? 0) : undefined,
  };
}

/** Sort key of the pre-release part: dev-only releases sort before any pre-release. */
function preKey(v: Version): number[] {
  if (v.pre) return [0, v.pre[0], v.pre[1]];
  if (v.post === undefined && v.dev !== undefined) return [-1];
  return [1];
}

function compareLists(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
export function compareVersions(a: Version, b: Version): number {
  return (
    Math.sign(a.epoch - b.epoch) ||
    compareLists(a.release, b.release) ||
    compareLists(preKey(a), preKey(b)) ||
    compareLists(a.post === undefined ? [-1] : [a.post], b.post === undefined ? [-1] : [b.post]) ||
    compareLists(a.dev === undefined ? [Infinity] : [a.dev], b.dev === undefined ? [Infinity] : [b.dev])
  );
}
