/** EventBridge `source` of every change event. A file of its own: handlers import it without the schemas. */
export const EVENT_SOURCE = 'scim.directory';

/**
 * `source` and `detail-type` of the reference the AWS publisher puts on the bus for a change event it
 * had to set aside (too large, or refused as malformed); a rule sends it to the publisher's
 * dead-letter queue, whose alarm fires (docs/events.md "Set aside"). Not a change event: consumers
 * matching `scim.directory` never see it.
 */
export const SET_ASIDE_SOURCE = 'scim.directory.publisher';
export const SET_ASIDE_DETAIL_TYPE = 'Change Event Set Aside';

/** The change event a tenant's removal guard announces a hold with; a rule and an alarm watch for it (docs/removal-guard.md). */
export const REMOVALS_HELD_DETAIL_TYPE = 'Removals Held';
