/** EventBridge `source` of every change event. A file of its own: handlers import it without the schemas. */
export const EVENT_SOURCE = 'scim.directory';
