import { readProfile } from '../../operations/profiles/get-profile';
import { setMapping, setPolicy } from '../../operations/profiles/profile-admin';
import type { ProfileView } from '../../operations/profiles/profile-view';
import { editProfile } from '../../operations/profiles/update-profile';
import { fieldsOf, mappingOf, ownerOf, policyOf, type Owner } from '../../tenancy/profile';
import {
  assignments,
  defineCommand,
  printJson,
  reconcileOptions,
  TENANT_ARG,
  tenantOrFail,
  UsageError,
} from '../command';

const USER_ARG = { label: '<userId>', what: 'user id' } as const;

function printProfile(io: { out(line: string): void }, body: ProfileView): void {
  for (const [field, value] of Object.entries(body.profile)) {
    const info = body.fields[field];
    io.out(
      `${field.padEnd(16)} ${String(value ?? '').padEnd(32)} ${info?.owner ?? ''}${info?.editable ? ' editable' : ''}`,
    );
  }
}

const fieldList = (text: string | undefined) =>
  (text ?? '')
    .split(',')
    .map((field) => field.trim())
    .filter(Boolean);

/** `policy …`, `mapping …`, `profile …`: who owns each profile field, where it comes from, a user's values. */
export const PROFILE_COMMANDS = [
  defineCommand({
    name: 'policy show',
    args: [TENANT_ARG],
    options: {},
    help: 'Shows who owns each profile field: the directory or the user.',
    async run({ args: [tenantId = ''], values, deps, io }) {
      const tenant = await tenantOrFail(deps, tenantId);
      const policy = policyOf(tenant.profile ?? {});
      const owners = Object.fromEntries(fieldsOf(tenant.profile ?? {}).map((field) => [field, ownerOf(policy, field)]));
      if (values.json) return printJson(io, { default: policy.default, fields: policy.fields, owners });
      io.out(`Default owner: ${policy.default}`);
      for (const [field, owner] of Object.entries(owners))
        io.out(`${field.padEnd(16)} ${owner}${policy.fields[field] ? '' : ' (default)'}`);
    },
  }),
  defineCommand({
    name: 'policy set',
    args: [TENANT_ARG],
    options: {
      default: {
        type: 'string',
        value: 'directory|user',
        required: true,
        help: 'The owner of every field not named below.',
      },
      user: { type: 'string', value: 'f1,f2', help: 'Fields the user owns.' },
      directory: { type: 'string', value: 'f3,f4', help: 'Fields the directory owns.' },
    },
    help: "Sets the ownership policy; every user's effective profile is reconciled (a User Updated event each that changed).",
    async run({ args: [tenantId = ''], values, target, deps, io }) {
      const owner = values.default;
      if (owner !== 'directory' && owner !== 'user')
        throw new UsageError('policy set needs --default directory or --default user.');
      const fields: Record<string, Owner> = {};
      for (const field of fieldList(values.user)) fields[field] = 'user';
      for (const field of fieldList(values.directory)) fields[field] = 'directory';
      const result = await setPolicy(deps, tenantId, { default: owner, fields }, reconcileOptions(io, target));
      io.progress?.('');
      io.out(
        `Policy of "${tenantId}" set; ${result.usersUpdated} users' effective profiles changed (each with a User Updated event).`,
      );
    },
  }),
  defineCommand({
    name: 'mapping show',
    args: [TENANT_ARG],
    options: {},
    help: 'Shows the SCIM attribute each profile field comes from.',
    async run({ args: [tenantId = ''], values, deps, io }) {
      const tenant = await tenantOrFail(deps, tenantId);
      const mapping = mappingOf(tenant.profile ?? {});
      if (values.json) return printJson(io, mapping);
      for (const field of fieldsOf(tenant.profile ?? {}))
        io.out(`${field.padEnd(16)} ${mapping[field] ?? '(none: user-entered only)'}`);
    },
  }),
  defineCommand({
    name: 'mapping set',
    args: [TENANT_ARG, { label: '<field>=<SCIM attribute path> …', variadic: true }],
    options: {},
    help: "Maps profile fields to SCIM attribute paths; every user's effective profile is reconciled.",
    note: '(an empty path restores the default)',
    async run({ args: [tenantId = '', ...rest], target, deps, io }) {
      const result = await setMapping(deps, tenantId, assignments(rest, 'field=path'), reconcileOptions(io, target));
      io.progress?.('');
      io.out(`Mapping of "${tenantId}" set; ${result.usersUpdated} users' effective profiles changed.`);
    },
  }),
  defineCommand({
    name: 'profile get',
    args: [TENANT_ARG, USER_ARG],
    options: {},
    help: "Shows a user's effective profile: each field's value, owner and whether the user may edit it.",
    async run({ args: [tenantId = '', userId = ''], values, deps, io }) {
      const tenant = await tenantOrFail(deps, tenantId);
      const body = await readProfile(deps, tenant.tenantId, tenant, userId);
      if (values.json) return printJson(io, body);
      printProfile(io, body);
    },
  }),
  defineCommand({
    name: 'profile set',
    args: [TENANT_ARG, USER_ARG, { label: '<field>=<value> …', variadic: true }],
    options: {},
    help: "Sets user-owned fields of a user's profile, as the portal does.",
    note: "(an empty value clears the user's value)",
    async run({ args: [tenantId = '', userId = '', ...rest], values, target, deps, io }) {
      const tenant = await tenantOrFail(deps, tenantId);
      const fields = Object.fromEntries(
        Object.entries(assignments(rest, 'field=value')).map(([field, value]) => [field, value === '' ? null : value]),
      );
      const body = await editProfile(deps, {
        tenantId: tenant.tenantId,
        tenant,
        userId,
        changes: fields,
        tenantUrl: `${target.tenantUrlBase}/${tenant.tenantId}`,
        requestId: `admin-${deps.ids.newId()}`,
      });
      if (values.json) return printJson(io, body);
      printProfile(io, body);
    },
  }),
];
