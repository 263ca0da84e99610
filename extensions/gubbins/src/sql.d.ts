/**
 * Types `import sql from './x.sql' with { type: 'text' }`: Bun loads the file as a string (and
 * inlines it into bundles). TypeScript 7.0 does not read bun-types' attribute-keyed declarations
 * (`declare module "*" with { type: "text" }`, TypeScript 7.1+), so SQL files are declared here.
 */
declare module '*.sql' {
  const text: string;
  export default text;
}
