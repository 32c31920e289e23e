import { ScimError } from '../scim/errors';
import type { Operation } from './request';

/** The answer of a route whose operation is not built yet: a SCIM 501 from the same chain. */
export const notImplemented: Operation = async (request) => {
  throw ScimError.notImplemented(request.operation);
};
