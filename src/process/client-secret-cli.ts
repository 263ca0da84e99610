/**
 * @module process/client-secret-cli
 * `bun run client-secret`: generates a client secret for a service account and prints it with
 * the hash to put in `Registry.<vo>.ServiceClients.<client_id>.ClientSecretHash`. The secret is
 * shown once; only the hash is stored.
 */
import { generateClientSecret, hashClientSecret } from '../logic/auth/clients/client-secret.ts';

const secret = generateClientSecret();
console.log(`client secret (give to the client, store nowhere else): ${secret}`);
console.log(`ClientSecretHash: ${await hashClientSecret(secret)}`);
