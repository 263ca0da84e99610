/**
 * @module config/store
 * Holds the current DiracX configuration with the version identifiers served as `ETag` and
 * `Last-Modified`. Web-standard only: the handler reads it; the server process fills it from a
 * file (`config/file-source.ts`) and swaps it on reload. Readers always see a whole snapshot.
 */
import { UnavailableError } from '../core/errors.ts';
import { sha256Hex } from '../logic/sha256.ts';
import type { Config, ConfigDocumentSchema } from './schema.ts';
import { parseConfig } from './parse.ts';

export interface ConfigSnapshot {
  readonly config: Config;
  /** Content hash of the source document, or the git commit sha (as DiracX) when `revision` is set. */
  readonly etag: string;
  /** When the source last changed, to the second (HTTP dates have no finer resolution). */
  readonly lastModified: Date;
  /**
   * The git commit the configuration was read from (`DIRACX_CONFIG_BACKEND_URL`): `GET /api/config/`
   * then serves it as the `ETag`, as DiracX does, so that both servers of a fleet agree.
   */
  readonly revision?: string;
}

export interface ConfigSource {
  /** The current snapshot; throws `UnavailableError` while none is loaded. */
  current(): ConfigSnapshot;
}

/** A swappable holder of the current snapshot. */
export class ConfigStore implements ConfigSource {
  #snapshot: ConfigSnapshot | undefined;

  constructor(initial?: ConfigSnapshot) {
    this.#snapshot = initial;
  }

  current(): ConfigSnapshot {
    if (!this.#snapshot) throw new UnavailableError('Configuration is not loaded yet');
    return this.#snapshot;
  }

  replace(next: ConfigSnapshot): void {
    this.#snapshot = next;
  }
}

/**
 * Validates an already-decoded configuration document and wraps it as a snapshot whose ETag
 * is the hash of `sourceText` (the bytes it came from); `schema` is the core's unless extensions
 * add fields. Throws `ConfigValidationError`.
 */
export async function createConfigSnapshot(
  raw: unknown,
  sourceText: string,
  modified: Date,
  schema?: ConfigDocumentSchema,
): Promise<ConfigSnapshot> {
  const config = parseConfig(raw, schema);
  return Object.freeze({ config, etag: await sha256Hex(sourceText), lastModified: toSeconds(modified) });
}

/**
 * Validates the configuration document of git commit `revision` (committed at `committed`) and
 * wraps it as a snapshot whose ETag is that commit's sha, as DiracX serves it. Throws
 * `ConfigValidationError`.
 */
export function createRevisionSnapshot(
  raw: unknown,
  revision: string,
  committed: Date,
  schema?: ConfigDocumentSchema,
): ConfigSnapshot {
  const config = parseConfig(raw, schema);
  return Object.freeze({ config, etag: revision, revision, lastModified: toSeconds(committed) });
}

function toSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
