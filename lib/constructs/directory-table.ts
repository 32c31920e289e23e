import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE } from '../../lambdas/contracts/table';

export interface DirectoryTableProps {
  /** @default RemovalPolicy.RETAIN: deleting the stack keeps every tenant's data. */
  readonly removalPolicy?: RemovalPolicy;
  /** @default true: the table cannot be deleted until protection is turned off. */
  readonly deletionProtection?: boolean;
  /** @default true: point-in-time recovery for the last 35 days. */
  readonly pointInTimeRecovery?: boolean;
}

/** The single table (docs/data-model.md): on-demand, stream of new images for the event publisher, TTL. */
export class DirectoryTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: DirectoryTableProps = {}) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery ?? true },
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      dynamoStream: StreamViewType.NEW_IMAGE,
      timeToLiveAttribute: TABLE.timeToLiveAttribute,
      globalSecondaryIndexes: Object.values(TABLE.indexes).map((index) => ({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.KEYS_ONLY,
      })),
    });
  }
}
