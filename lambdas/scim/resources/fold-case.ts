/**
 * Folds a case-insensitive value (userName, work email, group displayName: RFC 7643 caseExact false)
 * so that "Alice@X" and "alice@x" compare, and key, alike.
 */
export function foldCase(value: string): string {
  return value.normalize('NFC').toLowerCase();
}
