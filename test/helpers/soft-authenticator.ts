// A WebAuthn authenticator in the test process (WebAuthn Level 3 §6: authenticator data, §6.5 attestation
// 'none', §8.? no statement), with an ECDSA P-256 key (COSE alg -7). It answers the options the server hands
// out as a browser would, so service tests run the whole ceremony without a browser; each knob (user
// verification, counter, origin, a broken signature) is a field the test sets before the next answer.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

export class SoftAuthenticator {
  private readonly privateKey: KeyObject;
  private readonly x: Buffer;
  private readonly y: Buffer;
  readonly credentialId = randomBytes(16).toString('base64url');
  counter = 0;
  /** Added to the counter on each use; 0 models an authenticator without a counter (many passkeys). */
  step = 1;
  userVerified = true;
  bogusSignature = false;

  constructor(readonly origin: string) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.x = Buffer.from(jwk.x!, 'base64url');
    this.y = Buffer.from(jwk.y!, 'base64url');
  }

  private authData(rpId: string, attested: boolean): Buffer {
    this.counter += this.step;
    const flags = 0x01 | (this.userVerified ? 0x04 : 0) | (attested ? 0x40 : 0); // UP, UV, AT
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const parts = [createHash('sha256').update(rpId).digest(), Buffer.from([flags]), counter];
    if (attested) {
      const id = Buffer.from(this.credentialId, 'base64url');
      const length = Buffer.alloc(2);
      length.writeUInt16BE(id.length);
      const cose = isoCBOR.encode(new Map<number, number | Uint8Array>([[1, 2], [3, -7], [-1, 1], [-2, this.x], [-3, this.y]]));
      parts.push(Buffer.alloc(16), length, id, Buffer.from(cose));
    }
    return Buffer.concat(parts);
  }

  private clientData(type: string, challenge: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: this.origin, crossOrigin: false }));
  }

  /** The browser's answer to navigator.credentials.create(options), as @simplewebauthn/browser sends it. */
  register(options: { challenge: string; rp: { id?: string } }) {
    const authData = this.authData(options.rp.id!, true);
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]) as never);
    return {
      id: this.credentialId, rawId: this.credentialId, type: 'public-key', clientExtensionResults: {}, authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: this.clientData('webauthn.create', options.challenge).toString('base64url'),
        attestationObject: Buffer.from(attestationObject).toString('base64url'), transports: ['internal'],
      },
    };
  }

  /** The browser's answer to navigator.credentials.get(options). */
  authenticate(options: { challenge: string; rpId?: string }) {
    const authData = this.authData(options.rpId!, false);
    const clientData = this.clientData('webauthn.get', options.challenge);
    const signed = Buffer.concat([authData, createHash('sha256').update(clientData).digest()]);
    const signature = sign('sha256', signed, this.privateKey);
    if (this.bogusSignature) signature[signature.length - 1]! ^= 0x01;
    return {
      id: this.credentialId, rawId: this.credentialId, type: 'public-key', clientExtensionResults: {}, authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: clientData.toString('base64url'), authenticatorData: authData.toString('base64url'),
        signature: signature.toString('base64url'), userHandle: null,
      },
    };
  }
}
