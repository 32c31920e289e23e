import { join } from 'node:path';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';

/** The repository root, where handler entries are relative to. */
export const ROOT = join(__dirname, '..', '..');

/**
 * What every function of the service shares: Node.js 22 on arm64, a minified CommonJS bundle with
 * source maps, and the AWS SDK left to the runtime (it ships SDK v3; leaving it out keeps bundles small).
 */
export const FUNCTION_DEFAULTS = {
  runtime: Runtime.NODEJS_22_X,
  architecture: Architecture.ARM_64,
  memorySize: 512,
  bundling: {
    minify: true,
    sourceMap: true,
    target: 'node22',
    format: OutputFormat.CJS,
    externalModules: ['@aws-sdk/*'],
  },
  projectRoot: ROOT,
  depsLockFilePath: join(ROOT, 'package-lock.json'),
} as const satisfies NodejsFunctionProps;
