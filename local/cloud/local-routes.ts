// The local cloud's own routes under `/_local/` on every HTTP API server: the one place that says which path
// goes where. The server checks the admin token, or the dashboard page's cookie and CSRF token, before a request
// gets here (http-api.ts, `localToken`; clock-route.ts, `dashboardPageRequest`).
import * as z from 'zod';
import type { ControlledClock } from '../clock.ts';
import { CLOCK_PATH, clockForms } from './clock-route.ts';
import { ClockOptionError, clockState, parseDuration } from './clock-state.ts';
import type { LocalAnswer, LocalRequest } from './http-api.ts';

/** Routes `/_local/*` requests; an unknown path is 404. The clock also takes the dashboard bar's plain form. */
export function localRoutes(clock: ControlledClock): (request: LocalRequest) => Promise<LocalAnswer> {
  const routes: Record<string, (request: LocalRequest) => Promise<LocalAnswer>> = {
    [CLOCK_PATH]: clockForms((request) => clockRoute(clock, request)),
  };
  return async (request) => {
    const route = Object.hasOwn(routes, request.path) ? routes[request.path] : undefined;
    return route ? route(request) : { status: 404, body: { message: 'Not Found' } };
  };
}

const clockRequest = z.union([
  z.object({ set: z.iso.datetime({ offset: true }) }).strict(),
  z.object({ advance: z.union([z.literal('next'), z.string().regex(/^P/)]) }).strict(),
  z.object({ speed: z.number().min(0).max(1_000_000_000) }).strict(),
]);

/** `GET` the clock's state; `POST` `{"set": ISO}`, `{"advance": "P3D" | "next"}` or `{"speed": N}`. */
async function clockRoute(clock: ControlledClock, request: LocalRequest): Promise<LocalAnswer> {
  if (request.method === 'GET') return { status: 200, body: clockState(clock) };
  if (request.method !== 'POST') return { status: 405, body: { message: 'Method Not Allowed' } };
  let parsed: z.infer<typeof clockRequest>;
  try {
    parsed = clockRequest.parse(JSON.parse(request.body.toString('utf8') || '{}'));
  } catch {
    return {
      status: 400,
      body: { message: 'expected {"set": ISO date-time}, {"advance": "P3D" | "next"} or {"speed": N}' },
    };
  }
  try {
    if ('set' in parsed) await clock.advanceTo(Date.parse(parsed.set));
    else if ('speed' in parsed) clock.setSpeed(parsed.speed);
    else if (parsed.advance === 'next') await clock.advanceToNextTimer();
    else await clock.advance(parseDuration(parsed.advance));
  } catch (error) {
    if (error instanceof ClockOptionError || error instanceof RangeError) {
      return { status: 400, body: { message: error.message } };
    }
    throw error;
  }
  return { status: 200, body: clockState(clock) };
}
