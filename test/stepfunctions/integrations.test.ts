// Conformance: the DynamoDB optimized integrations (https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html)
// against DynamoDB Local, and the SES SDK integrations against aws-ses-v2-local: real parts, not mocks.
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as sesLocalModule from 'aws-ses-v2-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, LOCAL_AWS, startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { freePort } from '#local/ports.ts';
import { type Harness, run, startHarness } from './harness.ts';

// aws-ses-v2-local is CommonJS with a default export: unwrap it the same way under Node and vitest.
type StartSes = (config: { host: string; port: number }) => Promise<Server>;
const sesModule = sesLocalModule as unknown as { default: StartSes | { default: StartSes } };
const startSesLocal: StartSes =
  typeof sesModule.default === 'function' ? sesModule.default : sesModule.default.default;

let h: Harness;
let dynamo: DynamoDbLocal;
let ses: Server;
let sesUrl: string;
const TABLE = `sfn-integration-${Date.now()}`;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, ...LOCAL_AWS });
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  client.destroy();
  const port = await freePort();
  ses = await startSesLocal({ host: '127.0.0.1', port });
  sesUrl = `http://127.0.0.1:${port}`;
  h = await startHarness({ dynamodbEndpoint: dynamo.endpoint, sesEndpoint: sesUrl });
}, 120_000);

afterAll(async () => {
  await h?.close();
  await dynamo?.stop();
  await new Promise((r) => ses?.close(r));
});

describe('DynamoDB', () => {
  it('puts, gets, updates and deletes an item, with results in DynamoDB JSON', async () => {
    const r = await run(
      h,
      {
        StartAt: 'Put',
        States: {
          Put: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Parameters: { TableName: TABLE, Item: { pk: { 'S.$': '$.pilot' }, stage: { S: 'Launch' } } },
            ResultPath: null,
            Next: 'Update',
          },
          Update: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:updateItem',
            Parameters: {
              TableName: TABLE,
              Key: { pk: { 'S.$': '$.pilot' } },
              UpdateExpression: 'SET stage = :s',
              ExpressionAttributeValues: { ':s': { S: 'Implementation' } },
              ReturnValues: 'UPDATED_NEW',
            },
            ResultPath: '$.updated',
            Next: 'Get',
          },
          Get: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:getItem',
            Parameters: { TableName: TABLE, Key: { pk: { 'S.$': '$.pilot' } } },
            ResultPath: '$.got',
            Next: 'Delete',
          },
          Delete: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:deleteItem',
            Parameters: { TableName: TABLE, Key: { pk: { 'S.$': '$.pilot' } }, ReturnValues: 'ALL_OLD' },
            ResultPath: '$.deleted',
            End: true,
          },
        },
      },
      { pilot: '古城社区' },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.out.updated.Attributes).toEqual({ stage: { S: 'Implementation' } });
    expect(r.out.got.Item).toEqual({ pk: { S: '古城社区' }, stage: { S: 'Implementation' } });
    expect(r.out.deleted.Attributes.pk).toEqual({ S: '古城社区' });
  });

  it('names a failed condition DynamoDB.ConditionalCheckFailedException so that Catch can route it', async () => {
    const r = await run(h, {
      StartAt: 'Put',
      States: {
        Put: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:putItem',
          Parameters: {
            TableName: TABLE,
            Item: { pk: { S: 'once' } },
            ConditionExpression: 'attribute_exists(pk)',
          },
          Catch: [{ ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], Next: 'AlreadyDone' }],
          End: true,
        },
        AlreadyDone: { Type: 'Succeed' },
      },
    });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.out.Error).toBe('DynamoDB.ConditionalCheckFailedException');
  });
});

describe('SES', () => {
  it('sends e-mail through aws-sdk:sesv2:sendEmail and aws-sdk:ses:sendEmail', async () => {
    const r = await run(h, {
      StartAt: 'V2',
      States: {
        V2: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:sesv2:sendEmail',
          Parameters: {
            FromEmailAddress: 'minzheng@xx-county.example',
            Destination: { ToAddresses: ['town@xx-county.example'] },
            Content: {
              Simple: { Subject: { Data: '试点工作动员大会' }, Body: { Text: { Data: 'v2 body' } } },
            },
          },
          ResultPath: '$.v2',
          Next: 'V1',
        },
        V1: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:ses:sendEmail',
          Parameters: {
            Source: 'minzheng@xx-county.example',
            Destination: { ToAddresses: ['community@xx-county.example'] },
            Message: { Subject: { Data: '自查' }, Body: { Text: { Data: 'v1 body' } } },
          },
          ResultPath: '$.v1',
          End: true,
        },
      },
    });
    expect([r.status, r.error, r.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(typeof r.out.v2.MessageId).toBe('string');
    expect(typeof r.out.v1.MessageId).toBe('string');
    const store = (await (await fetch(`${sesUrl}/store`)).json()) as { emails: Array<{ subject: string }> };
    expect(store.emails.map((e) => e.subject)).toEqual(expect.arrayContaining(['试点工作动员大会', '自查']));
  });
});
