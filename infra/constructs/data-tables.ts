/**
 * The DynamoDB tables, one per definition in shared/tables.ts (the same definitions the local bootstrap
 * creates on the embedded engine). On-demand, point-in-time recovery, deletion protection, retained on
 * stack deletion; sensitive tables are encrypted with the customer-managed data key.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLE_LIST, type TableDefinition, type TableId } from '../../shared/tables.js';

export interface DataTablesProps {
  /** Encrypts tables marked `sensitive`. */
  readonly dataKey: kms.IKey;
  /** @default every table in shared/tables.ts */
  readonly definitions?: readonly TableDefinition[];
}

/** Construct id of a table; stable, because renaming it would replace a retained table. */
export function tableConstructId(id: TableId): string {
  return `${id.charAt(0).toUpperCase()}${id.slice(1)}Table`;
}

export class DataTables extends Construct {
  readonly tables: Readonly<Record<TableId, dynamodb.Table>>;

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    const tables: Partial<Record<TableId, dynamodb.Table>> = {};
    for (const definition of props.definitions ?? TABLE_LIST) {
      const table = new dynamodb.Table(scope, tableConstructId(definition.id), {
        partitionKey: { name: definition.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: definition.sortKey, type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        removalPolicy: RemovalPolicy.RETAIN,
        timeToLiveAttribute: definition.ttlAttribute,
        ...(definition.sensitive
          ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: props.dataKey }
          : { encryption: dynamodb.TableEncryption.AWS_MANAGED }),
      });
      for (const index of definition.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
          ...(index.sortKey ? { sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING } } : {}),
          projectionType: dynamodb.ProjectionType.ALL,
        });
      }
      tables[definition.id] = table;
    }
    this.tables = tables as Record<TableId, dynamodb.Table>;
  }
}
