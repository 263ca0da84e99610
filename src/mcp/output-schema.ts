/**
 * @module mcp/output-schema
 * The output schema a tool advertises: its result's schema or the error envelope
 * (`wire/tool-errors`' `{success: false, error, code}`), as `{type: 'object', anyOf: [result,
 * envelope]}`. Error results carry that envelope as `structuredContent`; clients of the 2.x
 * TypeScript SDK and of the Python SDK skip validation on `isError` results, but the 1.x
 * TypeScript client validates every `structuredContent` it gets against the advertised schema
 * and would throw on an error result checked against the success shape alone.
 *
 * What the SDK validates results with is separate: in development (the switch that also crashes
 * on a missed policy) the tool's own zod schema (the SDK never validates error results); in
 * production nothing: `run`'s return type already is the schema's type, and validating every
 * row of every result cost more than the rest of the call.
 */
import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import { ToolErrorEnvelopeSchema } from '../wire/tool-errors.ts';

type JsonSchema = Record<string, unknown>;
type JsonSchemaOptions = Parameters<StandardSchemaWithJSON['~standard']['jsonSchema']['output']>[0];

/** `result` or the error envelope; `result`'s `$defs` move to the root its `$ref`s point at. */
function orErrorEnvelope(result: JsonSchema, envelope: JsonSchema): JsonSchema {
  const { $schema, $defs, ...resultBranch } = result;
  const { $schema: _envelopeDialect, ...envelopeBranch } = envelope;
  return {
    ...($schema === undefined ? {} : { $schema }),
    type: 'object',
    anyOf: [resultBranch, envelopeBranch],
    ...($defs === undefined ? {} : { $defs }),
  };
}

/** `output` as advertised (with the error envelope), validated by the SDK only when `validate`. */
export function advertisedOutputSchema(output: z.ZodObject, validate: boolean): StandardSchemaWithJSON {
  const own = output['~standard'];
  const envelope = ToolErrorEnvelopeSchema['~standard'].jsonSchema;
  const json = (io: 'input' | 'output') => (options: JsonSchemaOptions) =>
    orErrorEnvelope(own.jsonSchema[io](options), envelope[io](options));
  return {
    '~standard': {
      version: 1,
      vendor: 'diracx-ts',
      validate: validate ? own.validate : (value) => ({ value }),
      jsonSchema: { input: json('input'), output: json('output') },
    },
  };
}
