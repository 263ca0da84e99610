/**
 * @module config/backend-url
 * `DIRACX_CONFIG_BACKEND_URL` read as DiracX 0.7.0 reads it (`diracx.core.config.sources`):
 * `git+file:///path` (a repository on a shared file system), `git+https://host/repo` (cloned and
 * fetched), `?revision=<branch, tag or commit>` (default `master`), and a bare path, which DiracX
 * prefixes with `git+file://`. The configuration is `default.yml` of the revision's commit.
 * Other schemes (`file://`, `git+ssh://`, `git+http://`) DiracX has no source for; we refuse
 * them, and a relative bare path too (DiracX would read its first segment as a host name).
 * Web-standard; the repository itself is read by `config/git-source.ts`.
 */

/** DiracX's `DEFAULT_GIT_BRANCH`. */
export const DEFAULT_CONFIG_REVISION = 'master';

/** DiracX's `DEFAULT_CONFIG_FILE`. */
export const CONFIG_FILE_IN_REPOSITORY = 'default.yml';

export type ConfigBackend =
  | { kind: 'git-file'; path: string; revision: string }
  | { kind: 'git-https'; remote: string; revision: string };

export const CONFIG_BACKEND_URL_EXPECTED =
  'expected git+file:///absolute/path or git+https://host/repository, optionally with ?revision=<branch>';

/** Why a `DIRACX_CONFIG_BACKEND_URL` cannot be used (one line, without the value, which may hold a password). */
export class ConfigBackendUrlError extends Error {
  override readonly name = 'ConfigBackendUrlError';
}

/** Parses the setting; throws `ConfigBackendUrlError`. */
export function parseConfigBackendUrl(value: string): ConfigBackend {
  let text = value.trim();
  if (!text.includes('://')) {
    if (!text.startsWith('/'))
      throw new ConfigBackendUrlError(`a bare path must be absolute; ${CONFIG_BACKEND_URL_EXPECTED}`);
    text = `git+file://${text}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigBackendUrlError(CONFIG_BACKEND_URL_EXPECTED);
  }
  const revisions = url.searchParams.getAll('revision');
  const revision = revisions.at(-1) ?? DEFAULT_CONFIG_REVISION;
  if (revision === '' || revision.startsWith('-') || /[\s\0]/.test(revision)) {
    throw new ConfigBackendUrlError('revision must name a branch, tag or commit');
  }
  if (url.protocol === 'git+file:') {
    const path = decodeURIComponent(url.pathname);
    if (path === '' || path === '/') throw new ConfigBackendUrlError(`empty path; ${CONFIG_BACKEND_URL_EXPECTED}`);
    return { kind: 'git-file', path, revision };
  }
  if (url.protocol === 'git+https:') {
    if (url.hostname === '') throw new ConfigBackendUrlError(`no host; ${CONFIG_BACKEND_URL_EXPECTED}`);
    url.search = '';
    return { kind: 'git-https', remote: url.href.replace(/^git\+/, ''), revision };
  }
  throw new ConfigBackendUrlError(`unsupported scheme ${url.protocol.slice(0, -1)}; ${CONFIG_BACKEND_URL_EXPECTED}`);
}

/** A remote URL fit for logs and error messages: any password or token in it replaced. */
export function redactRemote(remote: string): string {
  try {
    const url = new URL(remote);
    if (url.username !== '' || url.password !== '') {
      url.username = url.username === '' ? '' : '***';
      url.password = '';
    }
    return url.href;
  } catch {
    return '<remote>';
  }
}

/** Where the configuration comes from, for logs: the path or the redacted remote, and the revision. */
export function describeConfigBackend(backend: ConfigBackend): string {
  const where = backend.kind === 'git-file' ? `git+file://${backend.path}` : `git+${redactRemote(backend.remote)}`;
  return `${where}?revision=${backend.revision}`;
}
