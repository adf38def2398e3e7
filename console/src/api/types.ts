// Shapes of the labelhook REST API (docs/api.md): derived from the server's route schemas (src/http/api-types.ts),
// the same definition the server validates with and the OpenAPI document is generated from.
import type { DocumentItem } from '../../../src/http/api-types.ts';

export type * from '../../../src/http/api-types.ts';

/** A document with its content, as `GET /documents/{id}` answers it (the list answers the same shape). */
export type FullDocument = DocumentItem;
