/**
 * Token machinery for in-process tests: the testing kit's (`src/testing/auth.ts`), re-exported
 * under the path the repository's tests import.
 */
export { createTestAuth, mintTokenFor, signWith, TEST_ALGORITHMS, TEST_ISSUER } from '../../src/testing/auth.ts';
export type { TestAuth, TestFlowOptions, TokenSubject } from '../../src/testing/auth.ts';
