// Typed errors shared by handlers (STYLE.md §5). Each sets `name`; the HTTP middleware maps them to status
// codes in one place, and the workflows' Retry/Catch match the same names.

/** The input does not match its schema. `issues` lists each problem with its path. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  readonly issues: Array<{ path: string; message: string }>;
  constructor(message: string, issues: Array<{ path: string; message: string }> = []) {
    super(message);
    this.issues = issues;
  }
}

/** Something the request refers to does not exist. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** The request is refused because the state it expects has changed (already decided, link used, …). */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** The caller is not signed in, or its credentials are not valid. */
export class UnauthorizedError extends Error {
  override name = 'UnauthorizedError';
}

/** The caller is signed in but the request is refused (a form posted from another site, …). */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
  /** The administrator's groups do not allow it (functions/domain/roles.ts): the action, or the programme. */
  readonly reason: 'role' | 'programme' | undefined;

  constructor(message: string, reason?: 'role' | 'programme') {
    super(message);
    this.reason = reason;
  }
}

/** A dependency failed in a way worth retrying (the workflows retry on this name). */
export class TransientError extends Error {
  override name = 'TransientError';
}

/** The request's body cannot be read: not in a type the route takes, or damaged (lib/form-body.ts's problems). */
export class BodyError extends Error {
  override name = 'BodyError';
  readonly problem: 'unsupported-media-type' | 'malformed';
  constructor(
    problem: 'unsupported-media-type' | 'malformed',
    message = `the body could not be read: ${problem}`,
  ) {
    super(message);
    this.problem = problem;
  }
}

/** The request's body is larger than the route takes. */
export class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
}

/** The route does not answer this method; `allow` lists the methods it does (the 405's `Allow` header). */
export class MethodNotAllowedError extends Error {
  override name = 'MethodNotAllowedError';
  readonly allow: string;
  constructor(allow: string) {
    super('method not allowed');
    this.allow = allow;
  }
}
