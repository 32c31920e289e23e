// `npm run events:schemas`: writes lambdas/contracts/events/*.vN.json from the one definition of the envelope.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_DEFINITIONS, schemaFileName } from '../lambdas/contracts/events/definitions';
import { eventSchemaDocument, schemaFileText } from '../lambdas/events/schema-document';

for (const definition of EVENT_DEFINITIONS) {
  for (const version of definition.versions) {
    const file = schemaFileName(definition.detailType, version.version);
    writeFileSync(
      join(__dirname, '..', 'lambdas', 'contracts', 'events', file),
      schemaFileText(eventSchemaDocument(definition, version)),
    );
    console.log(file);
  }
}
