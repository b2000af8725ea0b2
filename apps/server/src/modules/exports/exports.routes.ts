import { Type } from 'typebox';
import type { App, ModuleDeps } from '../../app.ts';
import { lazyImport } from '../../lib/lazy.ts';
import { errorResponses } from '../../lib/schemas.ts';
import { workspaceActor } from '../../plugins/auth.ts';

/** The export writer (and papaparse) loads with the first export request. */
const loadExportService = lazyImport('the export service', () => import('./exports.service.ts'));

/** Export routes: the lossless workspace document and the issues CSV, both streamed. */
export async function exportRoutes(app: App, deps: ModuleDeps) {
  let service: ReturnType<typeof import('./exports.service.ts').createExportService> | undefined;
  const exportsService = async () => {
    service ??= (await loadExportService()).createExportService(deps);
    return service;
  };
  const stamp = () => deps.clock.now().toISOString().slice(0, 10);

  app.get('/api/v1/exports/workspace.json', {
    schema: {
      operationId: 'exportWorkspace', tags: ['exports'],
      description: 'The whole workspace as one versioned JSON document (format "exponential", version 1), streamed. Owners and admins.',
      response: { 200: Type.Unknown({ description: 'The export document (application/json)' }), ...errorResponses },
    },
    config: { auth: 'workspace' },
  }, async (req, reply) => {
    const stream = await (await exportsService()).workspaceJson(workspaceActor(req));
    return reply
      .header('Content-Type', 'application/json; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="workspace-export-${stamp()}.json"`)
      .send(stream);
  });

  app.get('/api/v1/exports/issues.csv', {
    schema: {
      operationId: 'exportIssuesCsv', tags: ['exports'],
      description: 'Every issue as CSV (RFC 4180, UTF-8 with BOM, formula cells neutralised), streamed. Owners and admins.',
      response: { 200: Type.Unknown({ description: 'CSV text (text/csv)' }), ...errorResponses },
    },
    config: { auth: 'workspace' },
  }, async (req, reply) => {
    const stream = await (await exportsService()).issuesCsv(workspaceActor(req));
    return reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="issues-${stamp()}.csv"`)
      .send(stream);
  });
}
