// `npm start`: the whole service on this machine (DynamoDB Local embedded); prints the Tenant URL and token.
import { join } from 'node:path';
import { describeEventEntry } from '../lambdas/adapters/local/json-lines-event-sink';
import { DEFAULT_PORT, startLocalService } from '../lambdas/local/run';

// Node 20 works today; the SDK's notice about its future Node 22 requirement only hides the banner.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const service = await startLocalService({
    dataDir: process.env.SCIM_LOCAL_DATA_DIR || join(__dirname, '..', '.local'),
    port: Number(process.env.PORT ?? DEFAULT_PORT),
    onRequest: ({ method, path, status, ms }) => console.log(`${method} ${path} ${status} ${ms}ms`),
    onEvent: (entry) => console.log(describeEventEntry(entry)),
  });
  console.log(`Tenant URL:   ${service.tenantUrl}`);
  console.log(`Secret Token: ${service.token}`);
  console.log(`Events:       ${service.eventsFile}`);
  console.log(`Portal:       ${service.portalLink}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
