/**
 * @exponential/sdk: the typed REST client generated from the server's OpenAPI document, and the
 * real-time sync client (bootstrap, op stream, normalized store, exactly-once writes).
 */
export { type ApiClient, type ApiClientOptions, createApiClient, type Problem } from './api.ts';
export type { components, operations, paths } from './generated/api.d.ts';
export { randomClientId, SyncClient, type SyncClientOptions, type SyncStatus } from './sync/client.ts';
export { fetchBootstrap, fetchOps, type HttpConfig, SyncHttpError } from './sync/http.ts';
export { canInflateRaw, inflateRawText } from './sync/inflate.ts';
export { type MutationQueueOptions, MutationQueue, type MutationResult } from './sync/mutations.ts';
export { MemoryPersistence, type PersistedMeta, type PersistedState, type PersistenceAdapter } from './sync/persistence.ts';
export { type BootstrapHeader, type FrameCompression, type HelloFrame, type OpsBatch, type ServerFrame, SYNC_PROTOCOL, type SyncOp } from './sync/protocol.ts';
export { defaultSocketFactory, type SocketFactory, type SocketLike, socketUrl } from './sync/socket.ts';
export { type EntityChange, entityKey, type Row, type StoreEvent, SYNCED_ENTITIES, type SyncedEntity, SyncStore } from './sync/store.ts';
