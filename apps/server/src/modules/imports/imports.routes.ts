import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { AppError, badRequest } from '../../lib/errors.ts';
import { lazyImport } from '../../lib/lazy.ts';
import { authorize } from '../../lib/policy.ts';
import { ProblemSchema, errorResponses } from '../../lib/schemas.ts';
import { workspaceActor } from '../../plugins/auth.ts';
import { IMPORT_FORMATS, type ImportFormat } from './imports.formats.ts';
import { DryRunSchema, IMPORT_MAX_BYTES, IMPORT_MAX_BYTES_CSV, IMPORT_MAX_BYTES_DOCUMENT, ImportJobSchema, ImportParams, ImportQuery, importMaxBytes } from './imports.schemas.ts';
import type { ImportInput } from './imports.service.ts';

/** The import service and its parsers (csv-parse, htmlparser2, markdown-it, jira2md) load with the first import request. */
const loadImportService = lazyImport('the import service', () => import('./imports.service.ts'));

/**
 * The raw upload. Its bytes hide behind a getter so generic body walkers (the NUL check of
 * app.ts) see an empty object instead of millions of numbered bytes. They live in a resizable
 * ArrayBuffer, so {@link release} gives the memory back at once instead of at the next full
 * garbage collection (measured on the 100,000-issue benchmark: the 75 MB upload stayed resident
 * into the import's write, until V8's next mark-compact).
 */
export class Upload {
  readonly #buffer: ArrayBuffer;
  readonly #type: string;
  constructor(buffer: ArrayBuffer, type: string) {
    this.#buffer = buffer;
    this.#type = type;
  }
  /** The bytes (a view that is empty once released). */
  get bytes(): Uint8Array {
    return new Uint8Array(this.#buffer);
  }
  get type() {
    return this.#type;
  }
  /** Frees the bytes (they read as empty afterwards). */
  release(): void {
    (this.#buffer as ArrayBuffer & { resize(n: number): void }).resize(0);
  }
}

/** Bytes a body of unknown length is read into first; the buffer doubles as it fills. */
const FIRST_BODY_BYTES = 1024 * 1024;

/**
 * Reads a request body into one resizable ArrayBuffer (sized by Content-Length when declared):
 * one copy of the file in memory, not a list of network chunks joined at the end (which held
 * the file twice and left the chunks' memory to the allocator).
 * @param limit the most bytes accepted
 * @throws AppError 413 `payload_too_large` past `limit`
 */
export async function readBody(req: FastifyRequest, payload: AsyncIterable<Buffer>, limit: number): Promise<Upload> {
  const declared = Number(req.headers['content-length']);
  const known = req.headers['content-length'] !== undefined && Number.isSafeInteger(declared) && declared >= 0;
  const tooLarge = () => {
    const detail = `The upload is larger than ${limit / 1048576} MiB`;
    return new AppError(413, 'payload_too_large', detail, [{ field: '/body', message: detail }]);
  };
  if (known && declared > limit) throw tooLarge();
  const max = known ? declared : limit;
  const buffer = new ArrayBuffer(known ? declared : Math.min(FIRST_BODY_BYTES, limit), { maxByteLength: max }) as ArrayBuffer & { resize(n: number): void };
  let n = 0;
  for await (const chunk of payload) {
    if (n + chunk.length > buffer.byteLength) {
      if (n + chunk.length > max) throw tooLarge();
      buffer.resize(Math.min(max, Math.max(n + chunk.length, buffer.byteLength * 2)));
    }
    new Uint8Array(buffer, n, chunk.length).set(chunk);
    n += chunk.length;
  }
  if (n < buffer.byteLength) buffer.resize(n);
  return new Upload(buffer, String(req.headers['content-type'] ?? ''));
}

type Query = { format?: ImportFormat; dryRun?: boolean; mode?: 'all' | 'skip'; team?: string; pullRequests?: 'skip' | 'keep'; encoding?: 'utf-8' | 'windows-1252'; fileName?: string };

/**
 * The file and options of a request: the raw body with `?format=`, or `multipart/form-data` with
 * a `file` part (and the same options as form fields or query parameters). Multipart is parsed
 * by the Fetch API's `Request.formData()` (undici, built into Node).
 * @throws AppError 400 `file_required` | `format_required`
 */
async function readInput(req: FastifyRequest): Promise<ImportInput & { dryRun: boolean }> {
  const q = req.query as Query;
  const body = req.body;
  let bytes: Uint8Array | null = body instanceof Upload ? body.bytes : null;
  let fileName = q.fileName ?? null;
  const fields: Record<string, string> = {};
  if (body instanceof Upload && body.type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      // A copy: undici refuses views of a resizable ArrayBuffer.
      form = await new Request('http://upload.invalid/', { method: 'POST', headers: { 'content-type': body.type }, body: body.bytes.slice() as unknown as BodyInit }).formData();
    } catch {
      throw badRequest('malformed_multipart', 'The multipart body cannot be read', '/body');
    }
    const file = form.get('file');
    bytes = null;
    if (file && typeof file !== 'string') {
      bytes = new Uint8Array(await file.arrayBuffer());
      fileName ??= file.name || null;
    } else if (typeof file === 'string') bytes = new TextEncoder().encode(file);
    for (const k of ['format', 'mode', 'team', 'pullRequests', 'encoding', 'dryRun']) {
      const v = form.get(k);
      if (typeof v === 'string') fields[k] = v;
    }
    // The file was copied out of the form.
    body.release();
  }
  if (!bytes?.byteLength) throw badRequest('file_required', 'Send the file as the request body (or as the "file" part of a multipart form)', '/body');
  const format = (q.format ?? fields.format) as ImportFormat | undefined;
  if (!format || !IMPORT_FORMATS.includes(format)) {
    throw badRequest('format_required', `Say which format the file is in: ?format= one of ${IMPORT_FORMATS.join(', ')}`, '/query/format');
  }
  assertSize(format, bytes.byteLength);
  const mode = (q.mode ?? fields.mode) === 'skip' ? 'skip' : 'all';
  const upload = body instanceof Upload && !body.type.startsWith('multipart/form-data') ? body : null;
  return {
    bytes, format, mode, fileName,
    ...(upload ? { release: () => upload.release() } : {}),
    team: q.team ?? fields.team ?? null,
    pullRequests: (q.pullRequests ?? fields.pullRequests) === 'keep' ? 'keep' : 'skip',
    encoding: (q.encoding ?? fields.encoding) === 'windows-1252' ? 'windows-1252' : 'utf-8',
    dryRun: q.dryRun ?? fields.dryRun === 'true',
  };
}

/**
 * Refuses an upload over its format's limit ({@link importMaxBytes}).
 * @param bytes the file's size (or the request's Content-Length, before the body is read)
 * @throws AppError 413 `payload_too_large`, naming the limit, with `errors[0].field` `/body`
 */
function assertSize(format: ImportFormat, bytes: number): void {
  const max = importMaxBytes(format);
  if (bytes <= max) return;
  const detail = `The file is ${(bytes / 1048576).toFixed(1)} MiB; a ${format} upload takes at most ${max / 1048576} MiB${format.endsWith('-csv') ? '' : ' (CSV exports take up to 128 MiB)'}`;
  throw new AppError(413, 'payload_too_large', detail, [{ field: '/body', message: detail }]);
}

/** Import routes: POST /api/v1/imports (dry run or job), GET /api/v1/imports/:importId. */
export async function importRoutes(app: App, deps: ModuleDeps) {
  let service: ReturnType<typeof import('./imports.service.ts').createImportService> | undefined;
  const imports = async () => {
    service ??= (await loadImportService()).createImportService(deps, app.log);
    return service;
  };
  app.addSchema(DryRunSchema);
  app.addSchema(ImportJobSchema);
  app.addHook('onClose', async () => service?.idle());
  // A twentieth of the per-user API budget per minute (30 with the default 600).
  const max = Math.max(5, Math.floor(deps.config.rateLimitPerMinute / 20));

  await app.register(async (scoped) => {
    // This scope alone takes any content type as raw bytes, up to IMPORT_MAX_BYTES.
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser('*', { bodyLimit: IMPORT_MAX_BYTES }, (req: FastifyRequest, payload: NodeJS.ReadableStream) => readBody(req, payload as unknown as AsyncIterable<Buffer>, IMPORT_MAX_BYTES));

    scoped.post('/api/v1/imports', {
      schema: {
        operationId: 'createImport', tags: ['imports'], querystring: ImportQuery,
        description: `Imports a tracker export (dry run with ?dryRun=true). The file is the raw body or the "file" part of a multipart form; at most ${IMPORT_MAX_BYTES_CSV / 1048576} MiB for CSV formats and ${IMPORT_MAX_BYTES_DOCUMENT / 1048576} MiB for JSON and XML (413 above).`,
        response: { 200: Type.Ref('ImportDryRun'), 202: Type.Ref('ImportJob'), ...errorResponses, 413: ProblemSchema },
      },
      bodyLimit: IMPORT_MAX_BYTES,
      config: {
        auth: 'workspace',
        scope: 'admin',
        rateLimit: { max, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => `import:${req.actor?.userId ?? req.ip}` },
      },
      // Refused before the body is read: only owners and admins may send a large upload, and a
      // declared Content-Length over the format's limit is a 413 at once.
      onRequest: async (req) => {
        authorize(workspaceActor(req), 'workspace.import', 'Only workspace owners and admins can import');
        const format = (req.query as Query).format;
        const length = Number(req.headers['content-length']);
        if (format && IMPORT_FORMATS.includes(format) && Number.isFinite(length)) assertSize(format, length);
      },
    }, async (req, reply) => {
      const input = await readInput(req);
      const viewer = workspaceActor(req);
      const s = await imports();
      if (input.dryRun) return reply.status(200).send(await s.dryRun(viewer, input));
      return reply.status(202).send(await s.start(viewer, input));
    });
  });

  app.get('/api/v1/imports/:importId', {
    schema: { operationId: 'getImport', tags: ['imports'], params: ImportParams, response: { 200: Type.Ref('ImportJob'), ...errorResponses } },
    config: { auth: 'workspace' },
  }, async (req) => (await imports()).get(workspaceActor(req), req.params.importId));
}
