import Ajv2020 from 'ajv/dist/2020';
import { CURRENT_EVENT_SCHEMAS as EVENT_SCHEMAS } from '../../../lambdas/contracts/events/schemas';
import { DETAIL_TYPES, type ChangeEvent, type DetailType } from '../../../lambdas/events/catalog';
import { toEventEntry, entrySize } from '../../../lambdas/events/entries';
import { sampleEvents } from './support';

/**
 * Every field of ChangeEvent with the JSON type its schema must give it. `satisfies` makes this list
 * fail to compile when ChangeEvent gains or loses a field, and the tests below fail when a schema
 * drops or retypes one.
 */
const CHANGE_EVENT_FIELDS = {
  eventId: 'string',
  detailType: 'string',
  schemaVersion: 'integer',
  tenantId: 'string',
  resourceType: 'string',
  resourceId: 'string',
  version: 'integer',
  occurredAt: 'string',
  requestId: 'string',
  changedAttributes: 'array',
  previous: 'object',
  snapshot: 'object|null',
  profile: 'object',
  members: 'object',
} as const satisfies Record<keyof ChangeEvent, string>;

const OPTIONAL_FIELDS = new Set<string>(['profile', 'members']);
const MEMBERSHIP_TYPES = new Set<DetailType>(['Group Members Added', 'Group Members Removed']);

function compile(schema: object) {
  return new Ajv2020({ strict: true, allErrors: true, validateFormats: false }).compile(schema);
}

type JsonSchema = { required?: string[]; properties?: Record<string, { type?: string | string[]; const?: unknown }> };

describe('Event catalog contract: one JSON Schema per detail type and version', () => {
  const samples = sampleEvents();

  it('has a schema for every detail type of the catalog, and none for another', () => {
    expect(EVENT_SCHEMAS.map((entry) => entry.detailType).sort()).toEqual([...DETAIL_TYPES].sort());
    for (const { detailType, version, file } of EVENT_SCHEMAS) {
      expect(file).toBe(`${detailType.toLowerCase().replace(/ /g, '-')}.v${version}.json`);
    }
  });

  describe.each(EVENT_SCHEMAS.map((entry) => [entry.detailType, entry] as const))('%s', (detailType, { schema, version }) => {
    const validate = compile(schema);
    const json = schema as JsonSchema;

    it('is a valid draft 2020-12 schema that accepts the event buildEvent makes', () => {
      const event = samples[detailType as DetailType];

      const valid = validate(JSON.parse(JSON.stringify(event)));

      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
      expect(event.schemaVersion).toBe(version);
    });

    it('describes every ChangeEvent field with its type, and requires all but the optional ones', () => {
      const properties = json.properties ?? {};

      for (const [field, type] of Object.entries(CHANGE_EVENT_FIELDS)) {
        const property = properties[field];
        expect(property).toBeDefined();
        const declared = [property?.type ?? []].flat().join('|');
        if (type === 'object|null') expect(['object', 'null', 'object|null']).toContain(declared);
        else expect(declared).toBe(type);
      }
      const required = new Set(json.required);
      for (const field of Object.keys(CHANGE_EVENT_FIELDS)) {
        if (!OPTIONAL_FIELDS.has(field)) expect(required.has(field)).toBe(true);
      }
      expect(required.has('members')).toBe(MEMBERSHIP_TYPES.has(detailType as DetailType));
      expect(properties.detailType?.const).toBe(detailType);
    });

    it('refuses an event without its eventId, or of another detail type', () => {
      const { eventId: _eventId, ...withoutId } = samples[detailType as DetailType];
      const other = samples[detailType === 'User Created' ? 'User Updated' : 'User Created'];

      expect(validate(JSON.parse(JSON.stringify(withoutId)))).toBe(false);
      expect(validate(JSON.parse(JSON.stringify(other)))).toBe(false);
    });
  });

  it('refuses a membership event listing more than 95 members', () => {
    const schema = EVENT_SCHEMAS.find((entry) => entry.detailType === 'Group Members Added')!.schema;
    const event = samples['Group Members Added'];
    const tooMany = { ...event, members: { added: [...event.members!.added, 'one-more'], removed: [] } };

    expect(compile(schema)(JSON.parse(JSON.stringify(tooMany)))).toBe(false);
  });

  it('keeps a membership event of 95 members (the store\'s chunk) under 16 KB, far below EventBridge\'s 256 KB', () => {
    const event = samples['Group Members Added'];

    const size = entrySize(toEventEntry(event));

    expect(event.members?.added).toHaveLength(95);
    expect(size).toBeLessThan(16 * 1024);
  });
});
