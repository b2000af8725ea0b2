/**
 * The typed REST client: openapi-fetch over the types generated from the server's OpenAPI
 * document (src/generated/api.d.ts). Every path, parameter and body is checked at compile time.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, operations, paths } from './generated/api.d.ts';

export type { components, operations, paths };

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** Server origin, e.g. `http://localhost:7015`. */
  baseUrl: string;
  /** A personal access token (`pat_…`); omit in browsers to use the session cookie. */
  token?: string;
  /** Workspace id or URL slug for session clients in several workspaces. */
  workspace?: string;
  fetch?: typeof fetch;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

/** The typed client's type. */
export type ApiClient = Client<paths>;

/** An RFC 9457 problem document as the API sends it. */
export type Problem = { type: string; title: string; status: number; detail: string; code: string; errors?: Array<{ field: string; message: string }> };

/** Creates a typed REST client. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.workspace && !options.token) headers['x-workspace'] = options.workspace;
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers,
    credentials: 'include',
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
