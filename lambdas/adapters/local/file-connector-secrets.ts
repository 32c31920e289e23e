import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectorSecrets } from '../../operations/graph-sync/sync-ports';

/**
 * Local stand-in for Secrets Manager: one file per connector under the data dir (git-ignored),
 * readable by the owner only, like the token keyring file.
 */
export class FileConnectorSecrets implements ConnectorSecrets {
  constructor(private readonly folder: string) {}

  private fileOf(tenantId: string): string {
    return join(this.folder, `${tenantId}.secret`);
  }

  async put(tenantId: string, secret: string): Promise<void> {
    mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    writeFileSync(this.fileOf(tenantId), secret, { mode: 0o600 });
  }

  async get(tenantId: string): Promise<string | undefined> {
    const file = this.fileOf(tenantId);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  }

  async delete(tenantId: string): Promise<void> {
    rmSync(this.fileOf(tenantId), { force: true });
  }
}
