/**
 * Typed application errors, mapped once to RFC 9457 problem+json by plugins/errors.ts:
 * `{ type, title, status, detail, code, errors? }` where `errors` lists `{ field, message }`
 * with `field` a JSON pointer into the request (`/body/title`, `/query/limit`, `/params/id`).
 */

/** One invalid input: where it is and what is wrong with it. */
export interface FieldError {
  /** JSON pointer prefixed with the request part: `/body/assigneeId`, `/query/cursor`. */
  field: string;
  message: string;
}

/** An error with an HTTP status, a stable machine `code` and a human `detail`. */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    public readonly detail: string,
    public readonly errors?: FieldError[],
    public readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = 'AppError';
  }
}

/** 400 `code` with one field at fault (or none). */
export function badRequest(code: string, detail: string, field?: string): AppError {
  return new AppError(400, code, detail, field ? [{ field, message: detail }] : undefined);
}

/** 422 `validation_failed` naming the field at fault. */
export function invalid(field: string, message: string, code = 'validation_failed'): AppError {
  return new AppError(422, code, message, [{ field, message }]);
}

/**
 * 404 for an entity that does not exist or that the actor may not see (both look the same).
 * @param entity human name, e.g. "Issue"
 * @param field where the id came from, e.g. `/body/assigneeId`
 */
export function notFound(entity: string, field?: string, id?: string): AppError {
  const detail = id ? `${entity} ${id} not found` : `${entity} not found`;
  return new AppError(404, 'not_found', detail, field ? [{ field, message: detail }] : undefined);
}

/** 403 `forbidden` (or another code) with a message the UI can show as is. */
export function forbidden(detail = 'You do not have permission to do this', code = 'forbidden'): AppError {
  return new AppError(403, code, detail);
}

/** 401 `unauthenticated`: missing, malformed, expired or revoked credentials only. */
export function unauthenticated(detail = 'Sign in or send a valid token', code = 'unauthenticated'): AppError {
  return new AppError(401, code, detail);
}

/** 409 `conflict`. */
export function conflict(detail: string, code = 'conflict', field?: string): AppError {
  return new AppError(409, code, detail, field ? [{ field, message: detail }] : undefined);
}
