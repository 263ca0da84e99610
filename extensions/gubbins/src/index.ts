/**
 * @module gubbins
 * The example extension of diracx-ts, named after DiracX's own: a template to copy. It adds a
 * security property (`GubbinsSensei`), a table with its migration (`GubbinsOwners`), an access
 * policy (`gubbins`), REST routes under `/api/gubbins/`, MCP tools, a configuration field on
 * users (`GubbinsSpecificInfo`), and a replacement of the core `wms` policy that tightens what a
 * JobAdministrator may do. Everything comes from `@diracx-ts/sdk`; nothing else of the core is
 * imported. See README.md.
 */
import { defineExtension, EXTENSION_CONTRACT_VERSION } from '@diracx-ts/sdk';
import { userFields } from './config.ts';
import { migrations } from './migrations/index.ts';
import { gubbinsPolicy } from './policy.ts';
import { GUBBINS_SENSEI } from './properties.ts';
import { registerGubbinsRoutes } from './routes.ts';
import { tools } from './tools.ts';
import { gubbinsWmsPolicy } from './wms-policy.ts';

export default defineExtension({
  name: 'gubbins',
  contractVersion: EXTENSION_CONTRACT_VERSION,
  description:
    'The example extension: gubbins owners (table, policy, REST routes, ' +
    'MCP tools), a user configuration field, and a tightened core wms policy.',
  properties: [GUBBINS_SENSEI],
  policies: [gubbinsPolicy],
  policyOverrides: [gubbinsWmsPolicy],
  tools,
  routes: registerGubbinsRoutes,
  migrations,
  config: { userFields },
});
