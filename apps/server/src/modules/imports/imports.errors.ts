/**
 * How an import refuses a file: one problem+json error whose `errors` list every problem found
 * (`field` is the problem's location: a JSON path such as `issues[3].comments[0].body` or a CSV
 * cell such as `row 5, column 2 ("Summary")`), capped at {@link MAX_LISTED_PROBLEMS}.
 */
import { AppError } from '../../lib/errors.ts';
import type { Problem } from './imports.model.ts';

/** Most problems listed in one response or stored on one job. */
export const MAX_LISTED_PROBLEMS = 1000;

/** The `errors` entries of a refused file. */
export function problemErrors(problems: Problem[]) {
  return problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => ({ field: p.path, message: p.message }));
}

/**
 * An error refusing the whole file.
 * @param status 400 (unreadable), 413 (too large) or 422 (readable but invalid)
 */
export function rejectFile(status: 400 | 413 | 422, code: string, detail: string, problems: Problem[] = []): AppError {
  return new AppError(status, code, detail, problems.length ? problemErrors(problems) : undefined);
}
