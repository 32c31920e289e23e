import { PUBLISHABLE_RECORD_PATTERN } from '../contracts/events/stream-filter';
import { DETAIL_TYPES, inCatalogOrder, type ChangeEvent, type EventFields } from './catalog';

/**
 * A DynamoDB attribute value as both the Lambda stream event and the DynamoDB Streams API carry it
 * (`{ "S": "…" }`, `{ "M": { … } }`, …). Binary values are passed through untouched.
 */
export interface AttributeValueLike {
  readonly S?: string;
  readonly N?: string;
  readonly BOOL?: boolean;
  readonly NULL?: boolean;
  readonly M?: Readonly<Record<string, AttributeValueLike>>;
  readonly L?: readonly AttributeValueLike[];
  readonly SS?: readonly string[];
  readonly NS?: readonly string[];
  readonly B?: unknown;
  readonly BS?: readonly unknown[];
}

/** The part of a DynamoDB Stream record the publisher reads (Lambda's and the Streams API's shapes both fit). */
export interface StreamRecord {
  readonly eventName?: string;
  readonly dynamodb?: {
    readonly SequenceNumber?: string;
    readonly NewImage?: Readonly<Record<string, AttributeValueLike>>;
  };
}

/** Converts one attribute value to plain JSON (numbers become numbers, sets arrays). */
export function unmarshallValue(value: AttributeValueLike): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return unmarshallImage(value.M);
  if (value.L !== undefined) return value.L.map(unmarshallValue);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.B !== undefined) return value.B;
  if (value.BS !== undefined) return [...value.BS];
  return undefined;
}

/** Converts a stream image (a map of attribute values) to a plain object. */
export function unmarshallImage(image: Readonly<Record<string, AttributeValueLike>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, unmarshallValue(value)]));
}

/**
 * Does `value` match an EventBridge-style pattern of exact values (objects nest, arrays list the
 * accepted values)? Enough for PUBLISHABLE_RECORD_PATTERN, which the Lambda filter applies in AWS.
 */
export function matchesPattern(value: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((accepted) => accepted === value);
  if (typeof pattern !== 'object' || pattern === null) return pattern === value;
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(pattern).every(([name, inner]) =>
    matchesPattern((value as Record<string, unknown>)[name], inner),
  );
}

/** Is this stream record the insert of an outbox row (the only records that are published)? */
export function isPublishable(record: StreamRecord): boolean {
  return matchesPattern(record, PUBLISHABLE_RECORD_PATTERN);
}

/** The change event an outbox row's stream record carries in its `detail` attribute. */
export function changeEventOf(record: StreamRecord): ChangeEvent {
  const image = record.dynamodb?.NewImage;
  const detail = image?.detail === undefined ? undefined : unmarshallValue(image.detail);
  if (typeof detail !== 'object' || detail === null) {
    throw new Error(`Stream record ${record.dynamodb?.SequenceNumber ?? '?'} is an event row without a detail`);
  }
  const event = detail as EventFields;
  if (typeof event.eventId !== 'string' || !(DETAIL_TYPES as readonly string[]).includes(event.detailType)) {
    throw new Error(
      `Stream record ${record.dynamodb?.SequenceNumber ?? '?'} holds no change event (eventId or detailType missing)`,
    );
  }
  // Rebuilt in the catalog's field order (a map comes back from the stream in any order), restoring
  // the empty maps DynamoDB Local leaves out of stream images (an empty `previous`).
  return inCatalogOrder(event);
}
