// The single DynamoDB table. Key schema and access patterns (also in docs/data-model.md; keys are built in
// functions/store/keys.ts, the only place that knows them):
//
//   item              pk                         sk                 indexes
//   programme         PROGRAMME#<programme>      PROGRAMME          byParent (programme list): PROGRAMMES / PROGRAMME#<launched>#<programme>
//   pilot             PROGRAMME#<programme>      PILOT#<pilot>      –
//   plan version      PROGRAMME#<programme>      PLANV#<000002…>    – (an amended plan, gzip, with who/when/what)
//   plan head         PROGRAMME#<programme>      PLANHEAD           – (the current version; absent: 1, the launched plan)
//   task              TASK#<task>                TASK               byParent: PILOT#<programme>#<pilot> / TASK#<created>#<task>
//                                                                   openTasksByDue (only while open): OPEN / <due>#<task>
//   decision          TASK#<task>                DECISION           –
//   approval link     LINK#<link>                LINK               byParent: TASK#<task> / LINK#<link>
//                                                                   byAssignee (while active): ASSIGNEE#<email> / <due>#<task>
//   audit event       AUDIT#<programme>#<pilot>  <at>#<event>       byParent (task events): TASK#<task> / AUDIT#<at>#<event>
//   claim-once        ONCE#<scope>               <id>               – (optional ttl)
//   undelivered       CALLBACK#PENDING           <decided>#<task>   – (decisions Step Functions has not confirmed)
//   digest item       DIGEST#<programme>#<email> <queued>#<task>#<msg> byParent (until sent): DIGEST#PENDING / <programme>#<email>#<queued>#…
//   contact status    CONTACT#<email>            STATUS             byParent (hard bounce, complaint): CONTACTS / CONTACT#<email>
//   uploaded plan     UPLOAD#PLAN#<sha256>       PLAN               – (ttl: a day; the dashboard's preview → launch)
//
// Access patterns: every programme (byParent PROGRAMMES); programme → pilots (Query pk); pilot → tasks (byParent); task → links, audit (byParent);
// pilot → audit trail (Query pk); link id → task (GetItem, then the task); open tasks due by T, earliest
// first (openTasksByDue: a sparse index, so the escalation sweep reads only what is due, never scans);
// tasks by assignee (byAssignee). Expired links are removed by TTL on `ttl`.

import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { RemovalPolicy } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { INDEX, KEY } from '#store/keys.ts';

export class PilotFlowTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const s = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new Table(this, 'Table', {
      partitionKey: s(KEY.pk),
      sortKey: s(KEY.sk),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: KEY.ttl,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: INDEX.byParent,
      partitionKey: s(KEY.gsi1pk),
      sortKey: s(KEY.gsi1sk),
      projectionType: ProjectionType.ALL,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: INDEX.openTasksByDue,
      partitionKey: s(KEY.openPk),
      sortKey: s(KEY.openSk),
      projectionType: ProjectionType.ALL,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: INDEX.byAssignee,
      partitionKey: s(KEY.assigneePk),
      sortKey: s(KEY.assigneeSk),
      projectionType: ProjectionType.ALL,
    });
  }
}
