import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PORTAL_MANIFEST, type PortalManifest } from '../../contracts/portal';
import type { PortalUiFiles, UiFile } from '../../operations/connection/portal-ui';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The built page read from a folder once per container (portal/build.ts wrote it). */
export class FolderPortalUiFiles implements PortalUiFiles {
  private cached?: { manifest: PortalManifest; files: Map<string, UiFile> };

  constructor(private readonly dir: string) {}

  private load() {
    if (!this.cached) {
      const manifest = JSON.parse(readFileSync(join(this.dir, PORTAL_MANIFEST), 'utf8')) as PortalManifest;
      const files = new Map<string, UiFile>();
      // Only the files the manifest names are ever served: a path segment from the URL never reaches the file system.
      for (const name of [manifest.script, manifest.styles]) {
        const type = CONTENT_TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream';
        files.set(name, { body: readFileSync(join(this.dir, name), 'utf8'), contentType: type });
      }
      this.cached = { manifest, files };
    }
    return this.cached;
  }

  manifest(): PortalManifest {
    return this.load().manifest;
  }

  file(name: string): UiFile | undefined {
    return this.load().files.get(name);
  }
}
