import { ScimError } from '../../lambdas/scim/errors';

/** The ScimError `action` throws; fails the test when it throws nothing or something else. */
export function scimErrorOf(action: () => unknown): ScimError {
  try {
    action();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}
