import { defineOperation } from '../http/define-operation';
import { listGroupSnapshots } from '../operations/list-group-snapshots';

export const handler = defineOperation('listGroupSnapshots', listGroupSnapshots);
