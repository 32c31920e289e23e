import { defineOperation } from '../http/define-operation';
import { listGroupSnapshots } from '../operations/profiles/list-group-snapshots';

export const handler = defineOperation('listGroupSnapshots', listGroupSnapshots);
