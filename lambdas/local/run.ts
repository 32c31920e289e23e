import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../adapters/dynamodb/create-table';
import { JsonLinesDeadLetterSink } from '../adapters/local/json-lines-dead-letter-sink';
import { JsonLinesEventSink } from '../adapters/local/json-lines-event-sink';
import { SCIM_BASE_PATH } from '../contracts/routes';
import { TABLE } from '../contracts/table';
import { ENV } from '../contracts/env';
import type { EventEntry } from '../events/entries';
import { getWiring, resetWiring } from '../wiring';
import { ensureDemoTenant } from './bootstrap';
import { buildPortalUi } from '../../portal/build';
import { PORTAL_UI_DIR } from '../contracts/portal';
import { createPortalLink } from '../operations/connection/portal-links';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { createLocalServer, type LocalServerOptions } from './server';
import { StreamPublisher } from './stream-publisher';

export const DEMO_TENANT = 'demo';
export const DEFAULT_PORT = 8787;

export interface LocalServiceOptions extends LocalServerOptions {
  /** Folder for the database, the token keyring and the demo token. */
  readonly dataDir: string;
  /** 0 picks a free port. @default 8787 */
  readonly port?: number;
  /** Use a running DynamoDB Local instead of starting one (tests). */
  readonly dynamodbEndpoint?: string;
  /** @default TABLE.localName */
  readonly tableName?: string;
  /** Called for each event the local publisher writes to the events file (`npm start` prints it). */
  readonly onEvent?: (entry: EventEntry) => void;
}

/** What `scim-admin --local` reads to reach the instance `npm start` runs (docs/operations.md). */
export interface LocalInstance {
  readonly endpoint: string;
  readonly tableName: string;
  readonly tokenKeyFile: string;
  readonly baseUrl: string;
  readonly pid: number;
}

export interface LocalService {
  readonly tenantUrl: string;
  readonly baseUrl: string;
  readonly token: string;
  /** A setup link of the demo tenant's connection page (docs/portal.md), valid for 7 days. */
  readonly portalLink: string;
  readonly instance: LocalInstance;
  /** The JSON-lines file every published event is appended to (docs/events.md "Local mode"). */
  readonly eventsFile: string;
  /** The DynamoDB Stream → events-file publisher; tests stop and restart it. */
  readonly publisher: Pick<StreamPublisher, 'start' | 'stop' | 'running'>;
  stop(): Promise<void>;
}

export const instanceFile = (dataDir: string) => join(dataDir, 'instance.json');
export const eventsFile = (dataDir: string) => join(dataDir, 'events.jsonl');
/** Change events the publisher set aside (too large or malformed to publish), beside the events file. */
export const deadLettersFile = (dataDir: string) => join(dataDir, 'dead-letters.jsonl');
export const streamCheckpointFile = (dataDir: string) => join(dataDir, 'stream-checkpoint.json');

/**
 * Runs the whole service on one machine: DynamoDB Local (on disk under dataDir), the table, the demo
 * tenant and its token, and every route of the route table on 127.0.0.1. Plays the Lambda runtime's
 * part by setting the environment the stack gives each function.
 */
export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  mkdirSync(options.dataDir, { recursive: true });
  let database: DynamoDbLocal | undefined;
  let endpoint = options.dynamodbEndpoint;
  if (!endpoint) {
    database = await startDynamoDbLocal({ dbPath: join(options.dataDir, 'dynamodb') });
    endpoint = database.endpoint;
  }
  const tableName = options.tableName ?? TABLE.localName;
  const tokenKeyFile = join(options.dataDir, 'token-key.json');
  process.env[ENV.tableName] = tableName;
  process.env[ENV.dynamodbEndpoint] = endpoint;
  process.env[ENV.tokenKeyFile] = tokenKeyFile;
  // Local mode only: federation tests and demos serve their JWKS from 127.0.0.1 over http://.
  process.env[ENV.jwksAllowLoopbackHttp] = 'true';
  process.env[ENV.logLevel] ??= 'WARN';
  // The connection page is built from portal/src on every start (esbuild, well under a second).
  const portalUiDir = join(options.dataDir, PORTAL_UI_DIR);
  await buildPortalUi(portalUiDir);
  process.env[ENV.portalUiDir] = portalUiDir;
  resetWiring();

  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await ensureTable(client, tableName);
  } finally {
    client.destroy();
  }
  const token = await ensureDemoTenant(getWiring().deps, DEMO_TENANT, join(options.dataDir, 'demo-token'));

  const events = eventsFile(options.dataDir);
  const publisher = new StreamPublisher({
    endpoint,
    tableName,
    checkpointFile: streamCheckpointFile(options.dataDir),
    sink: new JsonLinesEventSink(events, options.onEvent),
    deadLetters: new JsonLinesDeadLetterSink(deadLettersFile(options.dataDir), (entry) =>
      console.error(
        `event set aside (${entry.reason}, ${entry.bytes} bytes): ${entry.eventId} → ${deadLettersFile(options.dataDir)}`,
      ),
    ),
  });
  publisher.start();

  const server = createLocalServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}${SCIM_BASE_PATH}`;
  const instance: LocalInstance = { endpoint, tableName, tokenKeyFile, baseUrl, pid: process.pid };
  writeFileSync(instanceFile(options.dataDir), JSON.stringify(instance, null, 2));
  const { url: portalLink } = await createPortalLink(getWiring().deps, DEMO_TENANT, `http://127.0.0.1:${port}`);

  return {
    tenantUrl: `${baseUrl}/${DEMO_TENANT}`,
    baseUrl,
    token,
    portalLink,
    instance,
    eventsFile: events,
    publisher,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await publisher.stop();
      await database?.stop();
    },
  };
}
