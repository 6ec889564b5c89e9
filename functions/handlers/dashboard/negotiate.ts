// The content negotiation of every dashboard route (the pages' function and the downloads'): JSON only when
// asked for; anything else, a browser's `*/*` or no Accept at all, gets the page.
import type middy from '@middy/core';
import httpContentNegotiation from '@middy/http-content-negotiation';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResponse } from '#lib/middleware.ts';

export const negotiate = (): middy.MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> =>
  httpContentNegotiation({
    parseCharsets: false,
    parseEncodings: false,
    parseLanguages: false,
    availableMediaTypes: ['text/html', 'application/json'],
    defaultToFirstMediaType: true,
    failOnMismatch: false,
  });
