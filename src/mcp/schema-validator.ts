/**
 * @module mcp/schema-validator
 * One JSON Schema validator for every request's McpServer. The server is built per request
 * (stateless), and by default each would build its own validator and compile the called tool's
 * schemas again; sharing one that remembers compiled schemas by content removes that per-call
 * cost. It uses the SDK's Cloudflare-Workers validator, which interprets schemas instead of
 * generating code, so the request path stays runnable where code generation is forbidden.
 */
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/server/validators/cf-worker';

type Provider = InstanceType<typeof CfWorkerJsonSchemaValidator>;
type SchemaArg = Parameters<Provider['getValidator']>[0];

/** A validator provider that compiles each distinct schema once per process. */
export function createCachingSchemaValidator(): Provider {
  const inner = new CfWorkerJsonSchemaValidator();
  const cache = new Map<string, ReturnType<Provider['getValidator']>>();
  // Validators are generic only in what they claim to return; the cache holds them untyped.
  const provider = Object.create(inner) as Provider;
  provider.getValidator = ((schema: SchemaArg) => {
    const key = JSON.stringify(schema);
    let validator = cache.get(key);
    if (!validator) {
      validator = inner.getValidator<unknown>(schema);
      cache.set(key, validator);
    }
    return validator;
  }) as Provider['getValidator'];
  return provider;
}
