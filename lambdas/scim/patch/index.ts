export {
  MAX_PATCH_FILTER_COMPARISONS,
  MAX_PATCH_OPERATIONS,
  type MemberDelta,
  type PatchOperation,
  type PatchOpName,
  type PatchPath,
  type PatchResult,
} from './operation';
export { parsePatchRequest } from './parse';
export { applyPatch, memberDeltaOf } from './apply';
export { parsePatchPath } from './path';
