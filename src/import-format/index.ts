// The import file formats, shared by `labelhook import` (streaming from disk) and the console (a chosen file).
// Pure TypeScript: no Node-only imports, so Vite bundles it for the browser.
export { csvError, csvOptions } from './csv.js';
export { documentFromJsonLine, documentFromRow, documentFromTextLine, documentFromValue, type ImportDocument } from './documents.js';
export { extensionOf, formatOfName, IMPORT_FORMATS, type ImportFormat } from './formats.js';
export { ImportInputError } from './input-error.js';
export { JsonArraySplitter, parseArrayElement, type ArrayElementText } from './json-array.js';
export { parseImportText, splitLines, type CsvParseSync, type ParsedDocument, type ParsedFile } from './parse-text.js';
