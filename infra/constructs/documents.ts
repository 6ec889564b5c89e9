// The dashboard's downloads (functions/handlers/documents.ts): the summary reports (.docx), the acceptance score
// sheet and the programme status (.xlsx), behind the same authorizer as every other admin route. A function
// apart from the dashboard's because it carries the document libraries; it only reads the table.

import {
  type HttpApi,
  HttpMethod,
  type HttpRoute,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Duration } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { PilotFlowFunction } from './function.ts';

/** The download routes (functions/handlers/documents.ts answers each by its route key). */
export const DOCUMENT_ROUTES: ReadonlyArray<readonly [HttpMethod, string]> = [
  [HttpMethod.GET, '/admin/programmes/{programmeId}/documents/{document}'],
  [HttpMethod.GET, '/admin/programmes/{programmeId}/pilots/{pilotId}/report.docx'],
];

export interface DocumentsProps {
  api: HttpApi;
  authorizer: IHttpRouteAuthorizer;
  table: ITable;
}

export class Documents extends Construct {
  readonly fn: PilotFlowFunction;
  /** The download routes, throttled with the other admin routes. */
  readonly routes: HttpRoute[] = [];

  constructor(scope: Construct, id: string, props: DocumentsProps) {
    super(scope, id);
    this.fn = new PilotFlowFunction(this, 'Documents', {
      handler: 'documents',
      description:
        'The dashboard’s downloads: summary reports (.docx), score sheet and programme status (.xlsx)',
      timeout: Duration.seconds(29),
      memorySize: 1024,
    }).bindTable(props.table, 'read');
    const integration = new HttpLambdaIntegration('Documents', this.fn.fn);
    for (const [method, path] of DOCUMENT_ROUTES) {
      this.routes.push(
        ...props.api.addRoutes({ path, methods: [method], integration, authorizer: props.authorizer }),
      );
    }
  }
}
