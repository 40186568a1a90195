/**
 * `POST /api/v1/orchestrations/validate-document`: the workflow editor's check as you type. The text is parsed and
 * validated exactly as a submission would be; the answer is 200 whether or not the document is valid, with every
 * problem at its line and column, and the graph read so far.
 */
import type { App } from '../../app.js';
import { DocumentValidationSchema, ValidateDocumentInput } from '../../contract/dashboard-schemas.js';
import { validateDocument } from '../../engine/document-validation.js';
import { defineRoute, type Route } from '../route-table.js';

export function workflowEditorRoutes(app: App): Route[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/orchestrations/validate-document',
      tag: 'orchestrations',
      auth: true,
      summary: 'Check workflow text for the editor, with line numbers',
      description:
        'Body `{document, format?}`: the YAML or JSON text (format guessed when left out: `{` or `[` first means JSON). Same parser and validator as submitting (messages too); each problem carries the 1-based `line` and `column` of its place in the text. Alias bombs and documents over 1 MiB are refused as problems. Creates nothing.',
      body: ValidateDocumentInput,
      bodyLabel: 'The validation request',
      responses: {
        200: { description: 'Valid or not: problems and the graph', schema: DocumentValidationSchema },
        400: { description: 'The request itself is malformed (no document text)' },
      },
      handler: ({ body }) => validateDocument(body, (document) => app.orchestrations.plan(document)),
    }),
  ];
}
