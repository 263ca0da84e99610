/**
 * @module core/openapi-zod
 * zod, extended with `.openapi()` (zod-to-openapi, the library `@hono/zod-openapi` is built on)
 * before any schema that imports it from here is built. The wire models under `src/logic` name
 * their schemas with DiracX's model names (`.openapi('JobStatus')`), so that the OpenAPI document
 * lists them as named components. zod copies the prototype's methods onto a schema when it is
 * constructed, so a schema built before the extension has no `.openapi`; importing zod from here
 * makes that independent of which module loads first (the MCP tools, a logic test, the routes).
 * Schema metadata only: nothing here knows about HTTP.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { z };
