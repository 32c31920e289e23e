import Ajv2020 from 'ajv/dist/2020';
import { CURRENT_EVENT_SCHEMAS as EVENT_SCHEMAS } from '../../../lambdas/contracts/events/schemas';
import {
  buildEvent,
  DETAIL_TYPES,
  MAX_EVENT_ENTRY_BYTES,
  type ChangeEvent,
  type DetailType,
} from '../../../lambdas/events/catalog';
import { toEventEntry, entrySize } from '../../../lambdas/events/entries';
import { sampleEvents, userSnapshot } from './support';

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
  truncated: 'array',
} as const satisfies Record<keyof ChangeEvent, string>;

const OPTIONAL_FIELDS = new Set<string>(['profile', 'members', 'truncated']);
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

  describe.each(EVENT_SCHEMAS.map((entry) => [entry.detailType, entry] as const))(
    '%s',
    (detailType, { schema, version }) => {
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
    },
  );

  it('refuses a membership event listing more than 95 members', () => {
    const schema = EVENT_SCHEMAS.find((entry) => entry.detailType === 'Group Members Added')!.schema;
    const event = samples['Group Members Added'];
    const tooMany = { ...event, members: { added: [...event.members!.added, 'one-more'], removed: [] } };

    expect(compile(schema)(JSON.parse(JSON.stringify(tooMany)))).toBe(false);
  });

  it("keeps a membership event of 95 members (the store's chunk) under 16 KB, far below EventBridge's 256 KB", () => {
    const event = samples['Group Members Added'];

    const size = entrySize(toEventEntry(event));

    expect(event.members?.added).toHaveLength(95);
    expect(size).toBeLessThan(16 * 1024);
  });

  describe('events that would not fit one EventBridge entry (issue: a 150-email user stopped every event)', () => {
    const emails = (count: number, width: number) =>
      Array.from({ length: count }, (_unused, index) => ({
        value: `${String(index).padStart(4, '0')}${'e'.repeat(width - 4)}@contoso.example`,
        type: 'work',
      }));
    const bigUser = (version: number) => userSnapshot('u-1', version, { emails: emails(75, 2000) });
    const base = {
      tenantId: 'acme',
      resourceType: 'User' as const,
      resourceId: 'u-1',
      occurredAt: '2026-11-24T10:00:00.000Z',
      requestId: 'r',
    };
    const validateUpdated = compile(EVENT_SCHEMAS.find((entry) => entry.detailType === 'User Updated')!.schema);

    it('leaves out previous first, says so in truncated, and keeps the snapshot and profile', () => {
      const event = buildEvent({
        ...base,
        detailType: 'User Updated',
        version: 2,
        changedAttributes: ['emails'],
        previous: { emails: emails(75, 2000) },
        snapshot: bigUser(2),
        profile: { displayName: 'Alice' },
      });

      expect(entrySize(toEventEntry(event))).toBeLessThanOrEqual(MAX_EVENT_ENTRY_BYTES);
      expect(event.truncated).toEqual(['previous']);
      expect(event.previous).toEqual({});
      expect(event.snapshot).not.toBeNull();
      expect(event.profile).toEqual({ displayName: 'Alice' });
      expect(validateUpdated(JSON.parse(JSON.stringify(event)))).toBe(true);
    });

    it('leaves out the snapshot too when it alone is past the budget, and the event still validates', () => {
      const snapshot = userSnapshot('u-1', 2, { emails: emails(150, 2000) });

      const event = buildEvent({
        ...base,
        detailType: 'User Updated',
        version: 2,
        changedAttributes: ['emails'],
        previous: { emails: emails(150, 2000) },
        snapshot,
        profile: { displayName: 'Alice' },
      });

      expect(entrySize(toEventEntry(event))).toBeLessThanOrEqual(MAX_EVENT_ENTRY_BYTES);
      expect(event.truncated).toEqual(['previous', 'snapshot']);
      expect(event.snapshot).toBeNull();
      expect(event.profile).toEqual({ displayName: 'Alice' });
      expect(event.changedAttributes).toEqual(['emails']);
      expect(validateUpdated(JSON.parse(JSON.stringify(event)))).toBe(true);
    });

    it('leaves a small event whole, without a truncated list', () => {
      const event = samples['User Updated'];

      expect(event.truncated).toBeUndefined();
      expect(event.previous).toEqual({ title: 'Engineer' });
    });
  });
});
