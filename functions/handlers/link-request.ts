// The link handlers' one way of reading a request (approval /a/, supervision /s/, batch /b/): GET and HEAD
// open the page, POST reads the form body before anything is looked up (a refused body changes nothing and
// costs nothing), OPTIONS answers with the methods, any other method is refused through the error pages.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type RequestClient, requestClient } from '#domain/client.ts';
import { MethodNotAllowedError } from '#lib/errors.ts';
import { readFormBody } from '#lib/form-body.ts';
import type { HttpResponse } from '#lib/middleware.ts';
import { SECURITY_HEADERS } from '#presentation/pages/style.ts';

const ALLOW = 'GET, HEAD, POST, OPTIONS';

export interface LinkForm {
  fields: ReadonlyMap<string, string>;
  client: RequestClient;
}

export interface LinkRoutes {
  /** GET or HEAD: show the page; `method` is the request's, so that HEAD answers without a body. */
  open(method: 'GET' | 'HEAD'): Promise<HttpResponse>;
  /** POST: act on the form. */
  submit(form: LinkForm): Promise<HttpResponse>;
}

export async function routeLinkRequest(
  event: APIGatewayProxyEventV2,
  routes: LinkRoutes,
): Promise<HttpResponse> {
  const method = event.requestContext.http.method.toUpperCase();
  switch (method) {
    case 'GET':
    case 'HEAD':
      return routes.open(method);
    case 'POST': {
      const fields = readFormBody({
        body: event.body,
        isBase64Encoded: event.isBase64Encoded,
        contentType: event.headers?.['content-type'],
      });
      const client = requestClient(event.requestContext.http.sourceIp, event.requestContext.http.userAgent);
      return routes.submit({ fields, client });
    }
    case 'OPTIONS':
      return { statusCode: 204, headers: { ...SECURITY_HEADERS, Allow: ALLOW }, body: '' };
    default:
      throw new MethodNotAllowedError(ALLOW);
  }
}
