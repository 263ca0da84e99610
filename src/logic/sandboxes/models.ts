/**
 * @module logic/sandboxes/models
 * Wire models of the sandbox operations (DiracX's `core/models/sandbox.py`), with DiracX's
 * snake_case JSON names, and the settings and dependencies the sandbox logic runs with.
 * Routes validate with these schemas and hand the output to the logic unchanged; the schemas
 * DiracX names carry its model names for the OpenAPI document. No I/O here.
 */
import { z } from '../../core/openapi-zod.ts';
import type { ObjectStore } from '../../storage/object-store.ts';
import { MAX_PFN_LENGTH, SANDBOX_PFN_REGEX } from './pfn.ts';

/** DiracX's hard-coded `MAX_SANDBOX_SIZE_BYTES` (100 MiB), our default for the setting. */
export const DEFAULT_MAX_SANDBOX_SIZE_BYTES = 100 * 1024 * 1024;

export const SandboxInfoSchema = z
  .object({
    checksum_algorithm: z.enum(['sha256']).openapi('ChecksumAlgorithm'),
    checksum: z.string().regex(/^[0-9a-fA-F]{64}$/),
    size: z.number().int().min(1),
    format: z.enum(['tar.bz2', 'tar.zst']).openapi('SandboxFormat'),
  })
  .openapi('SandboxInfo');
export type SandboxInfo = z.infer<typeof SandboxInfoSchema>;

export const SandboxUploadResponseSchema = z
  .object({
    pfn: z.string(),
    url: z.string().nullable(),
    fields: z.record(z.string(), z.string()),
  })
  .openapi('SandboxUploadResponse');
export type SandboxUploadResponse = z.infer<typeof SandboxUploadResponseSchema>;

export const SandboxDownloadResponseSchema = z
  .object({ url: z.string(), expires_in: z.number().int() })
  .openapi('SandboxDownloadResponse');
export type SandboxDownloadResponse = z.infer<typeof SandboxDownloadResponseSchema>;

/**
 * A PFN as routes accept it (query `pfn`, the body of `PATCH .../sandbox/output`). DiracX's
 * regex lets NUL through its `[^/]+` segments; PostgreSQL text cannot hold it, so it is refused
 * here (422) rather than failing the lookup (500). No stored PFN can contain one.
 */
export const SandboxPfnSchema = z
  .string()
  .max(MAX_PFN_LENGTH)
  .regex(SANDBOX_PFN_REGEX)
  .refine((pfn) => !pfn.includes('\u0000'), 'Input should not contain NUL characters');

/** `GET /api/jobs/{job_id}/sandbox/{sandbox_type}`: pydantic's message for a bad literal. */
export const SandboxTypeSchema = z.enum(['input', 'output'], { error: "Input should be 'input' or 'output'" });

/** `{"Input": [pfn, ...], "Output": [pfn, ...]}`, each `[]` when the job has none. */
export const JobSandboxesSchema = z.object({
  Input: z.array(z.string()),
  Output: z.array(z.string()),
});
export type JobSandboxes = z.infer<typeof JobSandboxesSchema>;

/** DiracX's `SandboxStoreSettings`, what the logic reads of it. */
export interface SandboxStoreSettings {
  bucketName: string;
  /** Letters only (`SandboxSE`): full PFNs must match `SANDBOX_PFN_REGEX`. */
  seName: string;
  urlValiditySeconds: number;
  maxSizeBytes: number;
}

/** What the process hands the REST layer for sandboxes. */
export interface SandboxDeps {
  store: ObjectStore;
  settings: SandboxStoreSettings;
}
