import { defineOperation } from '../http/define-operation';
import { notImplemented } from '../operations/not-implemented';

export const handler = defineOperation('patchUser', notImplemented);
