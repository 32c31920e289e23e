import {
  EVENT_FIELDS,
  MEMBERS_PER_EVENT,
  TRUNCATABLE_PARTS,
  schemaFileName,
  type EventDefinition,
  type EventVersionDefinition,
  type SnapshotKind,
} from '../contracts/events/definitions';

type Json = Readonly<Record<string, unknown>>;

const SNAPSHOT_DESCRIPTION = 'The resource after the change, as a SCIM GET would return it.';

function snapshotSchema(kind: SnapshotKind): Json {
  const resource = (name: 'userName' | 'displayName', extra: Json = {}): Json => ({
    type: ['object', 'null'],
    required: ['schemas', 'id', name, 'meta'],
    properties: {
      schemas: { type: 'array', items: { type: 'string' } },
      id: { type: 'string' },
      [name]: { type: 'string' },
      ...extra,
      meta: { type: 'object' },
    },
    description: `${SNAPSHOT_DESCRIPTION} null when \`truncated\` names \`snapshot\`.`,
  });
  switch (kind) {
    case 'user':
      return resource('userName', { active: { type: 'boolean' } });
    case 'group':
      return resource('displayName');
    case 'deleted':
      return { type: 'null', description: 'Null: the resource no longer exists.' };
    case 'tenant':
      return { type: ['object', 'null'], description: SNAPSHOT_DESCRIPTION };
  }
}

const memberIds = { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: MEMBERS_PER_EVENT };

/**
 * The JSON Schema (draft 2020-12) of one version of a detail type: the shared envelope plus what the
 * definition adds (pure; the files in lambdas/contracts/events/ are its output).
 */
export function eventSchemaDocument(definition: EventDefinition, version: EventVersionDefinition): Json {
  const { detailType } = definition;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:scim-directory:events:${schemaFileName(detailType, version.version).replace(/\.v(\d+)\.json$/, ':v$1')}`,
    title: `${detailType} (v${version.version})`,
    description: `The \`detail\` of a \`${detailType}\` event (source \`scim.directory\`). ${version.description}`,
    type: 'object',
    additionalProperties: false,
    required: [...EVENT_FIELDS, ...(definition.membership ? ['members'] : [])],
    properties: {
      eventId: {
        type: 'string',
        minLength: 1,
        description: 'Unique per change and stable across redelivery: drop duplicates by it.',
      },
      detailType: { type: 'string', const: detailType, description: 'Same as the EventBridge detail-type.' },
      schemaVersion: { type: 'integer', const: version.version, description: 'Version of this schema.' },
      tenantId: { type: 'string', minLength: 1 },
      resourceType: { type: 'string', const: definition.resourceType },
      resourceId: { type: 'string', minLength: 1 },
      version: { type: 'integer', minimum: 1, description: version.versionDescription },
      occurredAt: {
        type: 'string',
        format: 'date-time',
        pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$',
        description: 'When the change committed (UTC, ISO 8601).',
      },
      requestId: { type: 'string', description: 'Correlation id of the SCIM request that made the change.' },
      changedAttributes: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description: 'Names of the changed attributes; extension attributes as `<schema URN>:<name>`.',
      },
      previous: {
        type: 'object',
        description: 'Previous values of the changed attributes (attributes that had no value are omitted).',
      },
      snapshot: snapshotSchema(definition.snapshot),
      profile: {
        type: 'object',
        additionalProperties: { type: ['string', 'null'] },
        description:
          "User events: the effective profile after the change (directory and user values merged under the tenant's ownership policy, docs/ownership.md), field name → value.",
      },
      members: {
        type: 'object',
        additionalProperties: false,
        required: ['added', 'removed'],
        description: `Member ids (users or groups) this change added or removed; at most ${MEMBERS_PER_EVENT} each.`,
        properties: { added: memberIds, removed: memberIds },
      },
      truncated: {
        type: 'array',
        items: { type: 'string', enum: [...TRUNCATABLE_PARTS] },
        minItems: 1,
        uniqueItems: true,
        description:
          'Parts left out so the event fits one EventBridge entry (256 KB), in the order they were dropped: `previous` (then `{}`), `snapshot` (then null), `profile` (then absent). Absent when the event is whole. Read the full state by id: SCIM GET /Users/<id> or /Groups/<id>, or the profile API (docs/events.md "Size").',
      },
    },
  };
}

/** The file text of a schema document, as committed (two-space JSON, trailing newline). */
export function schemaFileText(document: Json): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
