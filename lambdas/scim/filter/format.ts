import type { AttributePath, Filter } from './ast';

function formatPath(path: AttributePath): string {
  return `${path.schema !== undefined ? `${path.schema}:` : ''}${path.attribute}${path.subAttribute !== undefined ? `.${path.subAttribute}` : ''}`;
}

/**
 * Writes a filter back as RFC 7644 §3.4.2.2 text, fully parenthesised, so that
 * `parseFilter(formatFilter(f))` is `f` (the property tests hold the parser to it).
 */
export function formatFilter(filter: Filter): string {
  switch (filter.kind) {
    case 'compare':
      return `${formatPath(filter.path)} ${filter.op} ${filter.unquoted ?? JSON.stringify(filter.value)}`;
    case 'present':
      return `${formatPath(filter.path)} pr`;
    case 'and':
    case 'or':
      return `(${formatFilter(filter.left)} ${filter.kind} ${formatFilter(filter.right)})`;
    case 'not':
      return `not (${formatFilter(filter.filter)})`;
    case 'valuePath':
      return `${formatPath(filter.path)}[${formatFilter(filter.filter)}]`;
  }
}
