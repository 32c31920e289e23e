// The CDK app: `npx cdk synth` / `npx cdk deploy -c stage=prod`. Synthesises offline, without AWS credentials.
import { buildApp } from '../lib/app';

buildApp();
