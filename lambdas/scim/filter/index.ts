export type { AttributePath, CompareOperator, Filter, FilterValue } from './ast';
export {
  closingBracket,
  MAX_FILTER_COMPARISONS,
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  parseAttributePath,
  parseFilter,
} from './parse';
export { formatFilter } from './format';
export { checkElementFilter, checkFilter, evaluateFilter, matchesElement } from './evaluate';
export { planLookup, type LookupKey, type LookupPlan } from './plan';
