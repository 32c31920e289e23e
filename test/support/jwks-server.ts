import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** A signing key of the loopback "identity provider". */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

/** Makes an RS256 key pair whose public half can be served as a JWK. */
export async function signingKey(kid: string, alg: 'RS256' | 'ES256' = 'RS256'): Promise<SigningKey> {
  const pair = await generateKeyPair(alg);
  return { kid, privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' } };
}

/**
 * A JWKS endpoint on 127.0.0.1 (nothing leaves the machine): `/keys` serves the current key set,
 * `/hang` never answers, `/garbage` answers text, `/not-jwks` answers JSON that is not a JWK Set,
 * `/oversized` streams the current key set padded to 10 MB (no Content-Length).
 */
export interface JwksServer {
  readonly baseUrl: string;
  readonly keys: JWK[];
  /** How many times each path was fetched. */
  readonly fetches: Map<string, number>;
  stop(): Promise<void>;
}

export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  const fetches = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    fetches.set(path, (fetches.get(path) ?? 0) + 1);
    if (path === '/keys') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ keys }));
    } else if (path === '/hang') {
      // Never answers: the service's fetch must give up on its own.
    } else if (path === '/garbage') {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<html>not a key set</html>');
    } else if (path === '/oversized') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write(`{"keys":${JSON.stringify(keys)},"padding":"`);
      const megabyte = 'a'.repeat(1024 * 1024);
      let written = 0;
      const writeMore = (): void => {
        while (written < 10) {
          written += 1;
          if (!response.write(megabyte)) {
            response.once('drain', writeMore);
            return;
          }
        }
        response.end('"}');
      };
      writeMore();
    } else if (path === '/not-jwks') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{"keys":"nope"}');
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    keys,
    fetches,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface AssertionClaims {
  readonly iss: string;
  readonly aud: string;
  readonly sub: string;
  readonly iat?: number;
  readonly nbf?: number;
  readonly exp?: number;
  readonly jti?: string;
}

/** An Entra-like assertion: RS256, kid header, iat/nbf/exp around now, a fresh jti unless given. */
export function signAssertion(key: SigningKey, claims: AssertionClaims): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iat: now, nbf: now, exp: now + 3600, jti: `${Math.random()}`.slice(2), ...claims })
    .setProtectedHeader({ alg: String(key.jwk.alg), kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}
