import { useEffect, useState } from 'preact/hooks';
import type { FieldOwner, SettingsView } from '../../lambdas/contracts/connection';
import type { PortalApi } from './api';
import type { Guard } from './app';

interface Props {
  api: PortalApi;
  guard: Guard;
  settings: SettingsView;
  onChange: (settings: SettingsView) => void;
}

/** Who owns each profile field (directory or user) and which SCIM attribute it is read from. */
export function SettingsTable({ api, guard, settings, onChange }: Props) {
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(
    () => setMapping(Object.fromEntries(settings.fields.map((field) => [field.name, field.mapping ?? '']))),
    [settings],
  );

  const save = async (action: () => Promise<SettingsView>, done: (next: SettingsView) => string) => {
    setBusy(true);
    setError('');
    setNote('');
    try {
      const next = await guard(action);
      if (next) {
        onChange(next);
        setNote(done(next));
      }
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const updated = (next: SettingsView) => `Saved; ${next.usersUpdated ?? 0} users' profiles changed.`;

  const setOwner = (field: string | undefined, owner: FieldOwner) => {
    const fields: Record<string, FieldOwner> = { ...settings.policy.fields };
    const policy = { default: settings.policy.default, fields };
    if (field === undefined) policy.default = owner;
    else fields[field] = owner;
    void save(() => api.call<SettingsView>('PUT', '/settings/policy', policy), updated);
  };

  const saveMapping = (event: Event) => {
    event.preventDefault();
    const changed = Object.fromEntries(
      settings.fields
        .filter((field) => (field.mapping ?? '') !== (mapping[field.name] ?? ''))
        .map((field) => [field.name, mapping[field.name] ?? '']),
    );
    if (Object.keys(changed).length === 0) {
      setNote('Nothing to save.');
      return;
    }
    void save(() => api.call<SettingsView>('PATCH', '/settings/mapping', { mapping: changed }), updated);
  };

  return (
    <section class="card" aria-labelledby="settings-title">
      <h2 id="settings-title">Source of truth</h2>
      <p>
        A <strong>directory</strong> field always shows what Entra ID sends; a <strong>user</strong> field can be edited
        by each person in the product.
      </p>
      <div class="field">
        <label for="default-owner">Default owner</label>
        <select
          id="default-owner"
          value={settings.policy.default}
          disabled={busy}
          onChange={(event) => setOwner(undefined, event.currentTarget.value as FieldOwner)}
        >
          <option value="directory">Directory</option>
          <option value="user">User</option>
        </select>
      </div>
      <form onSubmit={saveMapping}>
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Profile fields, their owner and SCIM attribute</caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Owner</th>
                <th scope="col">SCIM attribute</th>
              </tr>
            </thead>
            <tbody>
              {settings.fields.map((field) => (
                <tr key={field.name}>
                  <th scope="row">{field.name}</th>
                  <td>
                    <label class="visually-hidden" for={`owner-${field.name}`}>{`Owner of ${field.name}`}</label>
                    <select
                      id={`owner-${field.name}`}
                      value={field.owner}
                      disabled={busy}
                      onChange={(event) => setOwner(field.name, event.currentTarget.value as FieldOwner)}
                    >
                      <option value="directory">Directory</option>
                      <option value="user">User</option>
                    </select>
                    {field.ownerIsDefault && <span class="note"> (default)</span>}
                  </td>
                  <td>
                    <label
                      class="visually-hidden"
                      for={`mapping-${field.name}`}
                    >{`SCIM attribute of ${field.name}`}</label>
                    <input
                      id={`mapping-${field.name}`}
                      type="text"
                      class="mono"
                      value={mapping[field.name] ?? ''}
                      placeholder="(entered by the user only)"
                      onInput={(event) => setMapping({ ...mapping, [field.name]: event.currentTarget.value })}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <button type="submit" disabled={busy}>
          Save mapping
        </button>
      </form>
      <p class="note" role="status" aria-live="polite" data-testid="settings-note">
        {note}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
