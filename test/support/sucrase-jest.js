/**
 * Jest transform: TypeScript to CommonJS with sucrase (pure JavaScript, keeps line
 * numbers, no native binary; the CLI's config loader uses the same transpiler).
 * Type checking is `npm run typecheck`, not jest's job.
 */
const { transform } = require('sucrase');

module.exports = {
  process(source, filePath) {
    const { code } = transform(source, { transforms: ['typescript', 'imports', 'jest'], filePath, production: true });
    return { code };
  },
  getCacheKey(source, filePath) {
    return require('node:crypto').createHash('sha256').update('sucrase-3.35.1:jest:1\0').update(filePath).update('\0').update(source).digest('hex');
  },
};
