/**
 * The WebSocket implementation: the global one (browsers, Node ≥ 22) or the `ws` package on
 * Node 20, which has none.
 */

/** The part of the WebSocket API the sync client uses (browsers' and `ws`'s share it). */
export interface SocketLike {
  readonly readyState: number;
  /** How binary frames are delivered; the sync client sets `'arraybuffer'`. */
  binaryType?: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: any) => void) | null;
  onmessage: ((ev: { data: any }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: any) => void) | null;
}

/** A constructor of sockets. */
export type SocketFactory = (url: string) => SocketLike;

/** The global WebSocket when there is one, else `ws` (loaded only then). */
export async function defaultSocketFactory(): Promise<SocketFactory> {
  const Global = (globalThis as { WebSocket?: new (url: string) => SocketLike }).WebSocket;
  if (Global) return (url) => new Global(url);
  const mod = (await import('ws')) as unknown as { default: new (url: string) => SocketLike };
  return (url) => new mod.default(url);
}

/** `ws:`/`wss:` URL of the sync socket for an http(s) base URL. */
export function socketUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/api/v1/sync/ws`;
}
