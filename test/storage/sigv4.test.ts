/**
 * SigV4 signing against independent implementations: the signing-key example of AWS's
 * documentation, and botocore's `generate_presigned_url` / `generate_presigned_post` output
 * for the same credentials and a frozen clock (2026-01-02T03:04:05Z, path-style, us-east-1).
 */
import { describe, expect, it } from 'bun:test';
import { toHex } from '../../src/storage/object-store.ts';
import {
  amzDate,
  presignUrl,
  signingKey,
  signPolicy,
  signPostPolicy,
  uriEncode,
  type SigningScope,
} from '../../src/storage/sigv4.ts';

const SCOPE: SigningScope = {
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  region: 'us-east-1',
  now: new Date('2026-01-02T03:04:05Z'),
};
const KEY = `lhcb/lhcb_user/chaen/sha256:${'ab'.repeat(32)}.tar.zst`;

/** botocore 1.43: `generate_presigned_url('get_object', ..., ExpiresIn=300)`. */
const BOTOCORE_GET =
  'http://127.0.0.1:9000/sandboxes/lhcb/lhcb_user/chaen/' +
  'sha256%3Aabababababababababababababababababababababababababababababababab.tar.zst' +
  '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260102%2Fus-east-1%2Fs3%2Faws4_request' +
  '&X-Amz-Date=20260102T030405Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host' +
  '&X-Amz-Signature=11e251a6ad4362beb3360e6243de2480aeff026e1451cf9c6406ed19f46b8510';

/** botocore 1.43: `generate_presigned_post` policy (base64) and its `x-amz-signature`. */
const BOTOCORE_POLICY =
  'eyJleHBpcmF0aW9uIjogIjIwMjYtMTEtMjZUMDE6NDc6MDhaIiwgImNvbmRpdGlvbnMiOiBbWyJjb250ZW50LWxlbmd0aC1yYW5n' +
  'ZSIsIDUxMiwgNTEyXSwgeyJ4LWFtei1jaGVja3N1bS1hbGdvcml0aG0iOiAic2hhMjU2In0sIHsieC1hbXotY2hlY2tzdW0tc2hh' +
  'MjU2IjogInE2dXJxNnVycTZ1cnE2dXJxNnVycTZ1cnE2dXJxNnVycTZ1cnE2dXJxNnM9In0sIHsiYnVja2V0IjogInNhbmRib3hl' +
  'cyJ9LCB7ImtleSI6ICJsaGNiL2xoY2JfdXNlci9jaGFlbi9zaGEyNTY6YWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJh' +
  'YmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYi50YXIuenN0In0sIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1T' +
  'SEEyNTYifSwgeyJ4LWFtei1jcmVkZW50aWFsIjogIkFLSUFJT1NGT0ROTjdFWEFNUExFLzIwMjYwMTAyL3VzLWVhc3QtMS9zMy9h' +
  'd3M0X3JlcXVlc3QifSwgeyJ4LWFtei1kYXRlIjogIjIwMjYwMTAyVDAzMDQwNVoifV19';
const BOTOCORE_POLICY_SIGNATURE = 'b43397a56b767f0006052fd2ca5f83a3f6686546133b3fd1196f19382c48579b';

describe('signingKey', () => {
  it('derives the key of AWS documentation example (iam, 20120215)', async () => {
    const key = await signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam');
    expect(toHex(key)).toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
  });
});

describe('presignUrl', () => {
  it('produces the URL botocore presigns for a GET of the same key at the same instant', async () => {
    const url = new URL(`http://127.0.0.1:9000/sandboxes/${uriEncode(KEY, true)}`);
    expect(await presignUrl(SCOPE, { method: 'GET', url, expiresInSeconds: 300 })).toBe(BOTOCORE_GET);
  });

  it('signs the session token of temporary credentials', async () => {
    const scope = { ...SCOPE, credentials: { ...SCOPE.credentials, sessionToken: 'token/+=' } };
    const url = await presignUrl(scope, { method: 'HEAD', url: new URL('http://s3.test/b/k'), expiresInSeconds: 60 });
    expect(new URL(url).searchParams.get('X-Amz-Security-Token')).toBe('token/+=');
    expect(url).toContain('X-Amz-Security-Token=token%2F%2B%3D');
  });
});

describe('POST policies', () => {
  it('signs a policy as botocore does', async () => {
    expect(await signPolicy(SCOPE, BOTOCORE_POLICY)).toBe(BOTOCORE_POLICY_SIGNATURE);
  });

  it('builds the fields and conditions of DiracX presigned upload', async () => {
    const fields = await signPostPolicy(SCOPE, {
      bucket: 'sandboxes',
      key: KEY,
      fields: {
        'x-amz-checksum-algorithm': 'sha256',
        'x-amz-checksum-sha256': 'q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=',
      },
      conditions: [['content-length-range', 512, 512]],
      expiresInSeconds: 300,
    });
    expect(Object.keys(fields)).toEqual([
      'x-amz-checksum-algorithm',
      'x-amz-checksum-sha256',
      'key',
      'x-amz-algorithm',
      'x-amz-credential',
      'x-amz-date',
      'policy',
      'x-amz-signature',
    ]);
    expect(fields['x-amz-credential']).toBe('AKIAIOSFODNN7EXAMPLE/20260102/us-east-1/s3/aws4_request');
    expect(fields['x-amz-date']).toBe('20260102T030405Z');
    const policy = JSON.parse(atob(fields.policy!)) as { expiration: string; conditions: unknown[] };
    expect(policy.expiration).toBe('2026-01-02T03:09:05Z');
    // Same conditions, in the same order, as botocore's policy for DiracX's call.
    const botocore = JSON.parse(atob(BOTOCORE_POLICY)) as { conditions: unknown[] };
    expect(policy.conditions).toEqual(botocore.conditions);
    expect(fields['x-amz-signature']).toBe(await signPolicy(SCOPE, fields.policy!));
  });
});

describe('helpers', () => {
  it('formats the SigV4 timestamp', () => {
    expect(amzDate(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102T030405Z');
  });

  it('URI-encodes as AWS does (unreserved kept, slash only in paths)', () => {
    expect(uriEncode("a b:c/d~e_f.g-h!'()*", true)).toBe('a%20b%3Ac/d~e_f.g-h%21%27%28%29%2A');
    expect(uriEncode('a/b', false)).toBe('a%2Fb');
  });
});
