/**
 * @module process/keys-cli
 * `bun run keys <command>`: manages the token keystore file (DiracX's `rotate-jwk`, in steps).
 *   list                 kid, algorithm and operations of every key
 *   generate [--force]   a new keystore with one signing key
 *   stage                add a key that is published (verifies) but does not sign yet
 *   activate <kid>       make a key the signing key; the others keep verifying
 *   rotate               stage and activate a new key at once
 *   remove <kid>         drop a retired key (after its tokens have expired)
 * Options: --keystore <path> (default: the file DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE names, or
 * the development keystore in DIRACX_DATA_DIR), --alg Ed25519|EdDSA|RS256 (default Ed25519).
 * A running server picks the change up from the file without a restart.
 */
import { parseArgs } from 'node:util';
import {
  activateKey,
  generateKeystore,
  KEY_ALGORITHMS,
  removeKey,
  rotateKeystore,
  signingKey,
  stageKey,
  type KeyAlgorithm,
  type Keystore,
} from '../logic/auth/tokens/keystore.ts';
import { describeError } from '../core/logger.ts';
import { parseSettings } from '../settings.ts';
import { IN_MEMORY } from '../db/open.ts';
import { keystoreFromText, keystorePath, writeKeystoreFile } from './keystore-source.ts';

function isKeyAlgorithm(alg: string): alg is KeyAlgorithm {
  return (KEY_ALGORITHMS as readonly string[]).includes(alg);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: Bun.argv.slice(2),
    options: {
      keystore: { type: 'string' },
      alg: { type: 'string', default: 'Ed25519' },
      force: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  const [command, argument] = positionals;
  const alg = values.alg ?? 'Ed25519';
  if (!isKeyAlgorithm(alg)) throw new Error(`--alg must be one of ${KEY_ALGORITHMS.join(', ')}`);
  const settings = parseSettings(Bun.env);
  const path =
    values.keystore ??
    keystorePath(
      settings.DIRACX_SERVICE_AUTH_TOKEN_KEYSTORE,
      settings.DIRACX_DATA_DIR,
      settings.DIRACX_DATA_DIR === IN_MEMORY,
    );
  if (!path) throw new Error('the keystore is not a file (inline JSON or in-memory); pass --keystore <path>');
  const file = Bun.file(path);
  const exists = await file.exists();
  const load = async (): Promise<Keystore> => {
    if (!exists) throw new Error(`${path}: no such file (create it with: bun run keys generate)`);
    return keystoreFromText(await file.text(), path);
  };
  const save = async (keystore: Keystore, message: string): Promise<void> => {
    await writeKeystoreFile(path, keystore);
    console.log(message);
  };
  const needKid = (): string => {
    if (!argument) throw new Error(`${command} needs a key id`);
    return argument;
  };

  switch (command) {
    case 'list': {
      const keystore = await load();
      const signer = signingKey(keystore).kid;
      for (const key of keystore.keys)
        console.log(`${key.kid} ${key.alg} ${key.key_ops.join(',')}${key.kid === signer ? ' (signing)' : ''}`);
      return;
    }
    case 'generate':
      if (exists && !values.force)
        throw new Error(`${path} exists; pass --force to replace it (tokens it signed stop verifying)`);
      return save(await generateKeystore(alg), `generated ${path}`);
    case 'stage': {
      const staged = await stageKey(await load(), alg);
      return save(staged.keystore, `staged ${staged.kid} (published, not signing yet)`);
    }
    case 'activate': {
      const kid = needKid();
      return save(activateKey(await load(), kid), `activated ${kid}`);
    }
    case 'rotate': {
      const rotated = await rotateKeystore(await load(), alg);
      return save(rotated.keystore, `rotated: ${rotated.kid} signs from now on`);
    }
    case 'remove': {
      const kid = needKid();
      return save(removeKey(await load(), kid), `removed ${kid}`);
    }
    default:
      throw new Error(
        'usage: bun run keys list|generate|stage|activate <kid>|rotate|remove <kid> [--keystore PATH] [--alg ALG]',
      );
  }
}

try {
  await main();
} catch (err) {
  console.error(`keys: ${describeError(err)}`);
  process.exit(1);
}
