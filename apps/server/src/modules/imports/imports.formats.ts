/**
 * The import formats, apart from their parsers, so that the routes and schemas can name them
 * without loading the parsers (which are imported by the first import request).
 */

/** Import formats, as the `format` parameter names them. */
export const IMPORT_FORMATS = [
  'jira-csv', 'jira-xml', 'jira-json', 'github-json', 'linear-csv', 'trello-json', 'monorail-csv', 'exponential-json', 'exponential-csv',
] as const;
/** One import format. */
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
