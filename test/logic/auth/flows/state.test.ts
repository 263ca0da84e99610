/**
 * The sealed state passed through the identity provider: it opens with the key that sealed
 * it and with no other, and any alteration or garbage is "Invalid state".
 */
import { describe, expect, it } from 'bun:test';
import { decodeBase64Url, encodeBase64Url } from '../../../../src/logic/auth/encoding.ts';
import {
  decryptState,
  encryptState,
  generateStateKey,
  stateKeyFromSetting,
} from '../../../../src/logic/auth/flows/state.ts';

const STATE = {
  vo: 'lhcb',
  code_verifier: 'v'.repeat(43),
  user_code: 'BCDFGHJK',
  grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
};

describe('state sealing', () => {
  it('opens what it sealed, empty states included', async () => {
    const key = await generateStateKey();
    expect(await decryptState(key, await encryptState(key, STATE))).toEqual(STATE);
    expect(await decryptState(key, await encryptState(key, {}))).toEqual({});
  });

  it('seals the same state differently each time (random IV)', async () => {
    const key = await generateStateKey();
    expect(await encryptState(key, STATE)).not.toBe(await encryptState(key, STATE));
  });

  it('accepts a DiracX Fernet key as the state key setting', async () => {
    const fernetKey = `${encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)))}=`;
    const key = await stateKeyFromSetting(fernetKey);
    expect(await decryptState(key, await encryptState(key, STATE))).toEqual(STATE);
  });

  it('refuses a state sealed with another key', async () => {
    const sealed = await encryptState(await generateStateKey(), STATE);
    await expect(decryptState(await generateStateKey(), sealed)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      detail: 'Invalid state',
    });
  });

  it('refuses an altered state', async () => {
    const key = await generateStateKey();
    const bytes = decodeBase64Url(await encryptState(key, STATE))!;
    bytes[bytes.length - 1]! ^= 1;
    await expect(decryptState(key, encodeBase64Url(bytes))).rejects.toMatchObject({ detail: 'Invalid state' });
  });

  it.each(['invalid_state', '', 'AQ', '!!!'])('refuses garbage %p', async (garbage) => {
    await expect(decryptState(await generateStateKey(), garbage)).rejects.toMatchObject({ detail: 'Invalid state' });
  });
});
