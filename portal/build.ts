// Builds the connection page (docs/portal.md): portal/src → one script and one style sheet with
// content-hashed names, plus the manifest the page handler reads. Run by `npm start` and the test
// service (lambdas/local/run.ts) and by the CDK bundling of the page's functions:
//   npx tsx portal/build.ts <out dir>
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { PORTAL_MANIFEST, type PortalManifest } from '../lambdas/contracts/portal';

const SOURCE = join(__dirname, 'src');

/** Builds the page into `outDir` (emptied first) and returns its manifest. */
export async function buildPortalUi(outDir: string): Promise<PortalManifest> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: { app: join(SOURCE, 'main.tsx'), styles: join(SOURCE, 'styles.css') },
    outdir: outDir,
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    // No source maps and no eval: the page's CSP allows only 'self' scripts.
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const script = outputs.find((file) => file.startsWith('app-') && file.endsWith('.js'));
  const styles = outputs.find((file) => file.startsWith('styles-') && file.endsWith('.css'));
  if (!script || !styles) throw new Error(`The portal build wrote ${outputs.join(', ')}: no app-*.js or styles-*.css`);
  const manifest: PortalManifest = { script, styles };
  writeFileSync(join(outDir, PORTAL_MANIFEST), JSON.stringify(manifest));
  return manifest;
}

if (require.main === module) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('Usage: tsx portal/build.ts <out dir>');
    process.exit(2);
  }
  buildPortalUi(outDir).then(
    (manifest) => console.log(`Portal UI: ${manifest.script}, ${manifest.styles}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
