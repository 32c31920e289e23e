import { useEffect, useRef, useState } from 'preact/hooks';
import type { LogEntryView, LogPage } from '../../lambdas/contracts/connection';
import { shortTime, type PortalApi } from './api';
import type { Guard } from './app';

interface Filters {
  status: string;
  operation: string;
  since: string;
  until: string;
}

const EMPTY: Filters = { status: '', operation: '', since: '', until: '' };

function queryOf(filters: Filters, cursor?: string): string {
  const parameters = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value.trim() !== '') parameters.set(name, value.trim());
  parameters.set('limit', '25');
  if (cursor) parameters.set('cursor', cursor);
  return `/log?${parameters.toString()}`;
}

/** The provisioning log as a filterable table, newest first, 25 rows a page. */
export function LogTable({ api, guard, version }: { api: PortalApi; guard: Guard; version: number }) {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [entries, setEntries] = useState<readonly LogEntryView[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  // Only the newest request may fill the table: an older, slower answer (say, unfiltered) must not overwrite it.
  const latest = useRef(0);

  const load = async (active: Filters, after?: string) => {
    const ticket = ++latest.current;
    setBusy(true);
    try {
      const page = await guard(() => api.call<LogPage>('GET', queryOf(active, after)));
      if (ticket !== latest.current) return;
      if (page) {
        setEntries(after ? (current) => [...current, ...page.entries] : page.entries);
        setCursor(page.nextCursor);
        setError('');
      }
    } catch (caught) {
      if (ticket === latest.current) setError((caught as Error).message);
    } finally {
      if (ticket === latest.current) setBusy(false);
    }
  };

  useEffect(() => void load(filters), [version, filters]);

  const apply = (event: Event) => {
    event.preventDefault();
    setFilters({ ...draft });
  };
  const field = (name: keyof Filters) => ({
    value: draft[name],
    onInput: (event: Event) => setDraft({ ...draft, [name]: (event.currentTarget as HTMLInputElement).value }),
  });

  return (
    <section class="card" aria-labelledby="log-title">
      <h2 id="log-title">Provisioning log</h2>
      <form class="filters" onSubmit={apply} aria-label="Filter the log">
        <div class="field">
          <label for="log-status">Status</label>
          <select
            id="log-status"
            value={draft.status}
            onChange={(event) => setDraft({ ...draft, status: event.currentTarget.value })}
          >
            <option value="">All</option>
            <option value="failed">Failed</option>
            <option value="succeeded">Succeeded</option>
          </select>
        </div>
        <div class="field">
          <label for="log-operation">Operation</label>
          <input id="log-operation" type="text" placeholder="e.g. User Created" {...field('operation')} />
        </div>
        <div class="field">
          <label for="log-since">From</label>
          <input id="log-since" type="text" placeholder="2026-12-01 or …T09:00Z" {...field('since')} />
        </div>
        <div class="field">
          <label for="log-until">To</label>
          <input id="log-until" type="text" placeholder="2026-12-31" {...field('until')} />
        </div>
        <button type="submit" disabled={busy}>
          Apply filters
        </button>
      </form>
      {error ? (
        <p class="error" role="alert" data-testid="log-error">
          {error}
        </p>
      ) : (
        <div class="table-wrap">
          <table data-testid="log-table">
            <caption class="visually-hidden">Provisioning log entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Status</th>
                <th scope="col">Operation</th>
                <th scope="col">Resource</th>
                <th scope="col">Detail</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {entries.length === 0 && (
                <tr>
                  <td colSpan={6}>No entries match.</td>
                </tr>
              )}
              {entries.map((entry) => (
                <tr key={`${entry.at}#${entry.requestId}`} class={entry.status >= 400 ? 'failed-row' : ''}>
                  <td title={entry.at}>{shortTime(entry.at)}</td>
                  <td>{entry.status}</td>
                  <td data-testid="log-operation">{entry.operation}</td>
                  <td class="label-cell">{[entry.name, entry.resourceId].filter(Boolean).join(' · ')}</td>
                  <td class="label-cell">
                    {[entry.scimType ? `[${entry.scimType}]` : '', entry.detail ?? ''].filter(Boolean).join(' ')}
                  </td>
                  <td>{entry.actor ?? 'SCIM client'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && !error && (
        <button type="button" class="secondary" disabled={busy} onClick={() => void load(filters, cursor)}>
          Load older entries
        </button>
      )}
    </section>
  );
}
