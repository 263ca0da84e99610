import { defineExtension, EXTENSION_CONTRACT_VERSION } from '@diracx-ts/sdk';

export default defineExtension({
  name: 'gubbins',
  contractVersion: EXTENSION_CONTRACT_VERSION,
  description: 'The example extension.',
});
