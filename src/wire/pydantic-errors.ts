/**
 * @module wire/pydantic-errors
 * pydantic 2's wording of the validation errors our requests can produce (as FastAPI reports
 * them for DiracX 0.7.0), and the types they name. Read by `validation-detail.ts`; a schema
 * whose zod message is one of these gets that type.
 */

/** pydantic's messages without parameters, by error type. */
export const PYDANTIC_MESSAGES = {
  missing: 'Field required',
  extra_forbidden: 'Extra inputs are not permitted',
  int_parsing: 'Input should be a valid integer, unable to parse string as an integer',
  int_from_float: 'Input should be a valid integer, got a number with a fractional part',
  int_type: 'Input should be a valid integer',
  float_parsing: 'Input should be a valid number, unable to parse string as a number',
  float_type: 'Input should be a valid number',
  string_type: 'Input should be a valid string',
  bool_parsing: 'Input should be a valid boolean, unable to interpret input',
  bool_type: 'Input should be a valid boolean',
  list_type: 'Input should be a valid list',
  dict_type: 'Input should be a valid dictionary',
  model_attributes_type: 'Input should be a valid dictionary or object to extract fields from',
  datetime_from_date_parsing: 'Input should be a valid datetime',
} as const;

/** pydantic's `'a', 'b' or 'c'` (the `expected` of `enum` and `literal_error`). */
export function expectedValues(values: readonly unknown[]): string {
  const shown = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
  return shown.length <= 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
}

const MESSAGE_TYPES = new Map<string, string>(
  Object.entries(PYDANTIC_MESSAGES).map(([type, message]) => [message, type]),
);

/** A Python `Literal`'s message, `Input should be 'a' or 'b'`: zod enums carrying it are Literals. */
const LITERAL_MESSAGE = /^Input should be '.*'$/;

/** The pydantic type a message a schema gave zod names, if it is one of pydantic's. */
export function typeOfMessage(message: string): string | undefined {
  return MESSAGE_TYPES.get(message) ?? (LITERAL_MESSAGE.test(message) ? 'literal_error' : undefined);
}
