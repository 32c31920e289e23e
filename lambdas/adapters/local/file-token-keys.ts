import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TokenKeys } from '../../operations/ports';
import { parseKeyRing, type TokenKeyRing } from '../../tenancy/tokens';

/** Local stand-in for the Secrets Manager secret: the same JSON in a git-ignored file, made on first use. */
export class FileTokenKeys implements TokenKeys {
  constructor(private readonly path: string) {}

  async getKeyRing(): Promise<TokenKeyRing> {
    if (!existsSync(this.path)) {
      mkdirSync(dirname(this.path), { recursive: true });
      writeFileSync(this.path, JSON.stringify({ current: 'k1', k1: randomBytes(48).toString('base64url') }, null, 2), {
        mode: 0o600,
        flag: 'wx',
      });
    }
    return parseKeyRing(readFileSync(this.path, 'utf8'));
  }
}
