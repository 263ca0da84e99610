/**
 * @module routes/openapi-models
 * The named models of the OpenAPI document (DiracX's model names, given where each schema is
 * defined with `.openapi('Name')`), registered on the app before any route. zod-to-openapi builds
 * a component from the first schema of that name it meets; a route that meets a wrapper first
 * (`JobStatus.nullish()` in `JobStatusUpdate`, `SearchParams.nullable()` as the search body)
 * would otherwise make the component itself nullable. Registered here, each component is the
 * model; the wrappers refer to it.
 */
import { getRefId } from '@asteasolutions/zod-to-openapi';
import type { OpenAPIHono, z } from '@hono/zod-openapi';
import {
  HeartbeatDataSchema,
  JobCommandSchema,
  JobMetaDataSchema,
  JobStatusSchema,
  JobStatusUpdateSchema,
  SetJobStatusReturnSchema,
  SetJobStatusSuccessSchema,
} from '../logic/jobs/models.ts';
import {
  ScalarSearchSpec,
  SearchParams,
  SortSpec,
  SummaryParams,
  VectorSearchSpec,
} from '../logic/jobs/search-params.ts';
import { PilotMetadata, PilotRegistrationParams, PilotStatus } from '../logic/pilots/models.ts';
import {
  SandboxDownloadResponseSchema,
  SandboxInfoSchema,
  SandboxUploadResponseSchema,
} from '../logic/sandboxes/models.ts';
import type { ApiEnv } from './env.ts';

/** The named models of the logic layer that routes use, wrapped or not. */
const MODELS: readonly z.ZodType[] = [
  JobStatusSchema,
  JobStatusUpdateSchema,
  SetJobStatusSuccessSchema,
  SetJobStatusReturnSchema,
  HeartbeatDataSchema,
  JobCommandSchema,
  JobMetaDataSchema,
  SearchParams,
  SummaryParams,
  ScalarSearchSpec,
  VectorSearchSpec,
  SortSpec,
  SandboxInfoSchema,
  SandboxUploadResponseSchema,
  SandboxDownloadResponseSchema,
  PilotStatus,
  PilotRegistrationParams,
  PilotMetadata,
];

/** Registers the named models as components of `app`'s document; call before the routes. */
export function registerOpenApiModels(app: OpenAPIHono<ApiEnv>): void {
  for (const model of MODELS) {
    const name = getRefId(model);
    if (!name) throw new TypeError('An OpenAPI model without a name (`.openapi(name)`)');
    app.openAPIRegistry.register(name, model);
  }
}
