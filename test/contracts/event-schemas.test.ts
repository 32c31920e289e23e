import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_DEFINITIONS, MEMBERS_PER_EVENT, schemaFileName } from '../../lambdas/contracts/events/definitions';
import { CURRENT_EVENT_SCHEMAS, EVENT_SCHEMAS } from '../../lambdas/contracts/events/schemas';
import { DETAIL_TYPES } from '../../lambdas/events/catalog';
import { eventSchemaDocument, schemaFileText } from '../../lambdas/events/schema-document';
import { chunkMemberChanges } from '../../lambdas/operations/writes/write-plan';

const folder = join(__dirname, '..', '..', 'lambdas', 'contracts', 'events');

describe('event schemas: generated from one envelope definition', () => {
  const versions = EVENT_DEFINITIONS.flatMap((definition) =>
    definition.versions.map((version) => ({ definition, version })),
  );

  it.each(
    versions.map(
      ({ definition, version }) =>
        [schemaFileName(definition.detailType, version.version), definition, version] as const,
    ),
  )('%s is exactly what `npm run events:schemas` generates', (file, definition, version) => {
    const committed = readFileSync(join(folder, file), 'utf8');

    expect(committed).toBe(schemaFileText(eventSchemaDocument(definition, version)));
  });

  it('every schema file in the folder has a definition, and every definition is registered', () => {
    const files = readdirSync(folder)
      .filter((name) => name.endsWith('.json'))
      .sort();

    expect(files).toEqual(
      versions.map(({ definition, version }) => schemaFileName(definition.detailType, version.version)).sort(),
    );
    expect(EVENT_SCHEMAS.map((entry) => entry.file).sort()).toEqual(files);
    expect(CURRENT_EVENT_SCHEMAS.map((entry) => entry.detailType).sort()).toEqual([...DETAIL_TYPES].sort());
  });

  it('bounds member lists by the constant the write path chunks by', () => {
    for (const { schema } of EVENT_SCHEMAS) {
      const members = (schema.properties as Record<string, { properties: Record<string, { maxItems: number }> }>)
        .members;
      expect(members?.properties.added?.maxItems).toBe(MEMBERS_PER_EVENT);
      expect(members?.properties.removed?.maxItems).toBe(MEMBERS_PER_EVENT);
    }
    const removals = Array.from({ length: 1_000 }, (_unused, index) => ({ memberId: `m${index}`, add: false }));
    expect(Math.max(...chunkMemberChanges(removals).map((chunk) => chunk.length))).toBe(MEMBERS_PER_EVENT);
  });
});
