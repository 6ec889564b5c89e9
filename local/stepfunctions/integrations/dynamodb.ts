// The DynamoDB optimized integrations (getItem, putItem, updateItem, deleteItem): parameters and results in
// DynamoDB's own JSON shape, errors named `DynamoDB.<Exception>`.
// https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html
import {
  DeleteItemCommand,
  type DeleteItemCommandInput,
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  PutItemCommand,
  type PutItemCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { Json, ServiceIntegration } from '../types.ts';
import { type LocalCredentials, localClientConfig } from './client-config.ts';
import { asStatesError, withoutMetadata } from './sdk-errors.ts';

export function dynamodbIntegrations(
  endpoint: string,
  region: string,
  credentials?: LocalCredentials,
): Record<string, ServiceIntegration> {
  const client = new DynamoDBClient(localClientConfig(endpoint, region, credentials));
  // The task's parameters are the API's own request, passed through unchanged.
  const run =
    (send: (p: Json) => Promise<object>): ServiceIntegration =>
    async (parameters) =>
      withoutMetadata(await asStatesError('DynamoDB', () => send(parameters ?? {})));
  return {
    'dynamodb:getItem': run((p) => client.send(new GetItemCommand(p as GetItemCommandInput))),
    'dynamodb:putItem': run((p) => client.send(new PutItemCommand(p as PutItemCommandInput))),
    'dynamodb:updateItem': run((p) => client.send(new UpdateItemCommand(p as UpdateItemCommandInput))),
    'dynamodb:deleteItem': run((p) => client.send(new DeleteItemCommand(p as DeleteItemCommandInput))),
  };
}
