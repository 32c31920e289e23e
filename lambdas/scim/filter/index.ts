export type { AttributePath, CompareOperator, Filter, FilterValue } from './ast';
export { MAX_FILTER_COMPARISONS, MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseAttributePath, parseFilter } from './parse';
export { checkFilter, evaluateFilter } from './evaluate';
export { planLookup, type LookupKey, type LookupPlan } from './plan';
