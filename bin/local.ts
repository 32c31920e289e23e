// `npm start`: the whole service on this machine (DynamoDB Local embedded); prints the Tenant URL and token.
import { join } from 'node:path';
import { DEFAULT_PORT, startLocalService } from '../lambdas/local/run';

async function main(): Promise<void> {
  const service = await startLocalService({
    dataDir: join(__dirname, '..', '.local'),
    port: Number(process.env.PORT ?? DEFAULT_PORT),
    onRequest: ({ method, path, status, ms }) => console.log(`${method} ${path} ${status} ${ms}ms`),
  });
  console.log(`Tenant URL:   ${service.tenantUrl}`);
  console.log(`Secret Token: ${service.token}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    service.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
