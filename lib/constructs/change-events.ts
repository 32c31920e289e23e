import { join } from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { breachAlarm } from './alarms';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule, type Archive } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { CfnRegistry, CfnSchema } from 'aws-cdk-lib/aws-eventschemas';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FUNCTION_DEFAULTS, ROOT } from './function-defaults';
import { FunctionLogGroup } from './function-log-group';
import { executionScope, LambdaRole } from './lambda-role';
import { ENV } from '../../lambdas/contracts/env';
import { EVENT_SCHEMAS } from '../../lambdas/contracts/events/schemas';
import { EVENT_SOURCE, SET_ASIDE_DETAIL_TYPE, SET_ASIDE_SOURCE } from '../../lambdas/contracts/events/source';
import { PUBLISHABLE_RECORD_PATTERN, PUBLISHER_BATCH_SIZE } from '../../lambdas/contracts/events/stream-filter';

export interface ChangeEventsProps {
  /** The table whose stream carries the outbox rows (its stream must include new images). */
  readonly table: ITableV2;
  /** @default a name CloudFormation generates */
  readonly eventBusName?: string;
  /**
   * Times the stream retries a failing batch (halving it each time) before its records go to the DLQ.
   * @default 10
   */
  readonly retryAttempts?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * How long the bus's archive keeps every change event for replay (docs/events.md "Replay").
   * @default 90 days
   */
  readonly archiveRetention?: Duration;
}

/**
 * Change events (DESIGN.md "Events"): the table's stream → one publisher Lambda → an EventBridge bus.
 * Only inserts of outbox rows reach the publisher (event-source filter), so TTL deletions are never
 * republished. Failing batches are bisected and retried, then recorded in an SQS DLQ; alarms watch
 * the iterator age, the DLQ and the publisher's errors. The detail schemas are registered in an
 * EventBridge schema registry for consumers' code bindings.
 */
export class ChangeEvents extends Construct {
  readonly bus: EventBus;
  readonly publisher: NodejsFunction;
  readonly deadLetterQueue: Queue;
  readonly registry: CfnRegistry;
  /** Every change event put on the bus, kept for replay to consumers that missed some. */
  readonly archive: Archive;
  readonly alarms: { readonly iteratorAge: Alarm; readonly deadLetters: Alarm; readonly errors: Alarm };

  constructor(scope: Construct, id: string, props: ChangeEventsProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', props.eventBusName ? { eventBusName: props.eventBusName } : {});
    // A consumer that was down longer than its own queue keeps messages replays what it missed from
    // here (StartReplay); replayed events reach the bus's rules again, with the same eventId.
    this.archive = this.bus.archive('Archive', {
      description: `Every change event (source ${EVENT_SOURCE}), for replay (docs/events.md)`,
      eventPattern: { source: [EVENT_SOURCE] },
      retention: props.archiveRetention ?? Duration.days(90),
    });

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the publisher.',
    });

    const execution = executionScope(this, 'PublisherExecution');
    const logGroup = new FunctionLogGroup(execution, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    const role = new LambdaRole(execution, 'Role', {
      logGroup,
      description: 'Change-event publisher: reads the table stream, puts events on the bus',
    });
    this.publisher = new NodejsFunction(this, 'Publisher', {
      role,
      logGroup,
      entry: join(ROOT, 'lambdas', 'handlers', 'publish-changes.ts'),
      handler: 'handler',
      ...FUNCTION_DEFAULTS,
      // Room for 10 PutEvents calls, each with its backoff retries (about 1.5 s at most).
      timeout: Duration.seconds(60),
      description: 'Publishes change events from the table stream to EventBridge',
      environment: {
        [ENV.eventBusName]: this.bus.eventBusName,
        [ENV.serviceName]: 'scim-events',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    // events:PutEvents on this bus only.
    this.bus.grantPutEventsTo(this.publisher);

    this.publisher.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: PUBLISHER_BATCH_SIZE,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: props.retryAttempts ?? 10,
        // One batch per shard at a time keeps each resource's events in version order.
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [FilterCriteria.filter(PUBLISHABLE_RECORD_PATTERN)],
      }),
    );

    // Events the publisher set aside (too large or malformed) arrive as references on the bus; this
    // rule puts them in the dead-letter queue, so the DLQ alarm fires (docs/events.md "Set aside").
    new Rule(this, 'SetAsideToDeadLetters', {
      eventBus: this.bus,
      description: 'References to change events the publisher could not publish → the dead-letter queue',
      eventPattern: { source: [SET_ASIDE_SOURCE], detailType: [SET_ASIDE_DETAIL_TYPE] },
      targets: [new SqsQueue(this.deadLetterQueue)],
    });

    this.alarms = {
      iteratorAge: breachAlarm(this, 'IteratorAgeAlarm', {
        description: 'Change events are more than 5 minutes behind the table: the publisher is failing or throttled.',
        metric: this.publisher.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
        threshold: Duration.minutes(5).toMilliseconds(),
        evaluationPeriods: 3,
      }),
      deadLetters: breachAlarm(this, 'DeadLettersAlarm', {
        description:
          'Stream batches the publisher gave up on, or change events it set aside: their events were not published (docs/events.md).',
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
      }),
      errors: breachAlarm(this, 'ErrorsAlarm', {
        description: 'The change-event publisher failed (PutEvents refused entries after retries, or a bug).',
        metric: this.publisher.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      }),
    };

    this.registry = new CfnRegistry(this, 'SchemaRegistry', {
      registryName: `${Stack.of(this).stackName}-events`,
      description: `Change events of the SCIM directory (source ${EVENT_SOURCE}); the files live in lambdas/contracts/events/.`,
    });
    for (const { detailType, version, schema } of EVENT_SCHEMAS) {
      const name = `${detailType.replace(/ /g, '')}V${version}`;
      new CfnSchema(this, `Schema${name}`, {
        registryName: this.registry.attrRegistryName,
        schemaName: `${EVENT_SOURCE}@${detailType.replace(/ /g, '')}-v${version}`,
        type: 'JSONSchemaDraft4',
        description: typeof schema.description === 'string' ? schema.description.slice(0, 256) : detailType,
        content: JSON.stringify(eventEnvelopeSchema(detailType, schema)),
      });
    }
  }
}

/**
 * The registry describes whole events, and takes JSON Schema draft 4 or OpenAPI 3 only: the detail's
 * draft 2020-12 schema goes inside an envelope, with `const` as a one-value `enum` and `$id` as `id`.
 */
export function eventEnvelopeSchema(
  detailType: string,
  detailSchema: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...detail } = detailSchema;
  return {
    $schema: 'http://json-schema.org/draft-04/schema#',
    title: `${detailType} event`,
    type: 'object',
    required: ['detail-type', 'source', 'detail'],
    properties: {
      version: { type: 'string' },
      id: { type: 'string' },
      'detail-type': { type: 'string', enum: [detailType] },
      source: { type: 'string', enum: [EVENT_SOURCE] },
      account: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      region: { type: 'string' },
      resources: { type: 'array', items: { type: 'string' } },
      detail: toDraft4(detail),
    },
  };
}

/** Rewrites the draft 2020-12 keywords the catalog's schemas use into their draft 4 spelling. */
export function toDraft4(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toDraft4);
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'const') result.enum = [inner];
    else if (key === '$id') result.id = inner;
    else if (key === '$schema') continue;
    else result[key] = toDraft4(inner);
  }
  return result;
}
