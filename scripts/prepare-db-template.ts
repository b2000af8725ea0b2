/**
 * postinstall: builds the pre-initialised PGlite data directory that a first `npm start` copies
 * (or loads from its tarball) instead of running initdb. Failure is not fatal: the server then initialises from scratch.
 */
import { buildPgliteTemplate, templateDirPath, templatePath } from '@exponential/db';

try {
  const t0 = Date.now();
  await buildPgliteTemplate();
  console.log(`Prepared the embedded database template (${templatePath}, unpacked in ${templateDirPath}) in ${Date.now() - t0} ms`);
} catch (err) {
  console.warn('Could not prepare the embedded database template; the first start will take a few seconds longer.', err);
}
