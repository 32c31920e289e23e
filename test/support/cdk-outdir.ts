import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// An App without an outdir synthesizes into a fresh `cdk.outXXXX` under the temp folder and leaves it
// there: one per App, hundreds per run. CDK_OUTDIR (read by aws-cdk-lib's App) gives each suite one
// folder, removed when the suite ends.
const outdir = mkdtempSync(join(tmpdir(), 'scim-infra-cdk-'));
process.env.CDK_OUTDIR = outdir;

afterAll(() => rmSync(outdir, { recursive: true, force: true }));
