/**
 * Maps every error to one RFC 9457 problem+json shape: `{type, title, status, detail, code, errors?}`.
 * User input never produces a 5xx: schema failures are 422 (body) or 400 (query, params, headers),
 * malformed JSON is 400, an oversized body 413; anything unexpected is logged and answered 500
 * without internals.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, type FieldError } from '../lib/errors.ts';

/** The problem document sent for every error. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
}

/** Sends `problem` with the problem+json media type. */
export function sendProblem(reply: FastifyReply, problem: Problem, headers?: Record<string, string>) {
  if (headers) reply.headers(headers);
  return reply.status(problem.status).type('application/problem+json').send(problem);
}

/** Builds a problem document. */
export function problem(status: number, code: string, detail: string, errors?: FieldError[]): Problem {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors?.length ? { errors } : {}),
  };
}

const partName: Record<string, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

/** The fields of an ajv error this plugin reads. */
export interface AjvIssue {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/**
 * Folds the errors ajv reports for a union of literals (TypeBox `Union([Literal…])`: one `const`
 * error per branch, a `type` error for a `null` branch, then `anyOf`) into one `enum` error listing
 * every allowed value, so the client reads "orderBy must be one of: createdAt, …" once instead of
 * "must be equal to constant" per branch. Other errors pass through in order.
 */
export function foldLiteralUnions(issues: AjvIssue[]): AjvIssue[] {
  const allowed = new Map<string, unknown[]>();
  for (const v of issues) {
    if (v.keyword === 'const') {
      const list = allowed.get(v.instancePath) ?? [];
      list.push(v.params.allowedValue);
      allowed.set(v.instancePath, list);
    }
  }
  if (!allowed.size) return issues;
  const out: AjvIssue[] = [];
  const done = new Set<string>();
  for (const v of issues) {
    const list = allowed.get(v.instancePath);
    const nullBranch = v.keyword === 'type' && v.params.type === 'null';
    if (!list || !(v.keyword === 'const' || v.keyword === 'anyOf' || nullBranch)) {
      out.push(v);
      continue;
    }
    if (nullBranch) list.push(null);
    if (done.has(v.instancePath)) continue;
    done.add(v.instancePath);
    out.push({ instancePath: v.instancePath, keyword: 'enum', params: { allowedValues: list } });
  }
  return out;
}

/** Turns an ajv error into a field error with a readable message. */
function fieldError(part: string, v: AjvIssue): FieldError {
  let pointer = `/${part}${v.instancePath}`;
  if (v.keyword === 'required' && typeof v.params.missingProperty === 'string') {
    pointer += `/${v.params.missingProperty}`;
  }
  if (v.keyword === 'additionalProperties' && typeof v.params.additionalProperty === 'string') {
    pointer += `/${v.params.additionalProperty}`;
  }
  const name = pointer.split('/').filter(Boolean).slice(1).join('.') || part;
  let message: string;
  switch (v.keyword) {
    case 'maxLength':
      message = `${name} must be at most ${v.params.limit} characters (Unicode code points)`;
      break;
    case 'minLength':
      message = v.params.limit === 1 ? `${name} must not be empty` : `${name} must be at least ${v.params.limit} characters`;
      break;
    case 'required':
      message = `${name} is required`;
      break;
    case 'additionalProperties':
      message = `${name} is not a known field`;
      break;
    case 'format':
      message = `${name} must be a valid ${v.params.format}`;
      break;
    case 'enum':
      message = Array.isArray(v.params.allowedValues)
        ? `${name} must be one of: ${v.params.allowedValues.map((a) => (a === null ? 'null' : String(a))).join(', ')}`
        : `${name} must be one of the allowed values`;
      break;
    case 'pattern':
      message = `${name} has an invalid format`;
      break;
    default:
      message = `${name} ${v.message ?? 'is invalid'}`;
  }
  return { field: pointer, message };
}

export default fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError & { validation?: AjvIssue[]; validationContext?: string }, req, reply) => {
      if (err instanceof AppError) {
        return sendProblem(reply, problem(err.status, err.code, err.detail, err.errors), err.headers);
      }
      if (err.validation) {
        const part = partName[err.validationContext ?? 'body'] ?? 'body';
        const errors = foldLiteralUnions(err.validation).map((v) => fieldError(part, v));
        const status = part === 'body' ? 422 : 400;
        return sendProblem(reply, problem(status, 'validation_failed', errors[0]?.message ?? 'Invalid request', errors));
      }
      const status = err.statusCode ?? 500;
      if (status === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return sendProblem(reply, problem(413, 'payload_too_large', 'The request body is too large'));
      }
      if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        return sendProblem(reply, problem(415, 'unsupported_media_type', 'Send the body as application/json'));
      }
      if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
        return sendProblem(reply, problem(400, 'invalid_json', 'The request body is not valid JSON'));
      }
      if (status === 429) {
        return sendProblem(reply, problem(429, 'rate_limited', err.message || 'Too many requests'));
      }
      if (status >= 400 && status < 500) {
        return sendProblem(reply, problem(status, 'bad_request', err.message));
      }
      req.log.error({ err }, 'unhandled error');
      return sendProblem(reply, problem(500, 'internal_error', 'Something went wrong on our side. It has been logged.'));
    });
    app.setNotFoundHandler((req, reply) => {
      return sendProblem(reply, problem(404, 'not_found', `No route ${req.method} ${req.url.split('?')[0]}`));
    });
  },
  { name: 'errors' },
);
