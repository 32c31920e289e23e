// The CDK app: `npx cdk synth` / `npx cdk deploy`. Synthesises offline, without AWS credentials.
import { App } from 'aws-cdk-lib';
import { ScimStack } from '../lib/scim-stack';

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
new ScimStack(app, `Scim-${stage}`, {
  ephemeral: stage === 'dev',
  description: `SCIM 2.0 provisioning endpoint (${stage})`,
});
