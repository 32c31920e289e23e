import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ConnectionView, PortalSessionView, SettingsView } from '../../lambdas/contracts/connection';
import { ApiError, type PortalApi } from './api';
import { ConnectionState } from './connection-state';
import { EntraSteps } from './entra-steps';
import { Health } from './health';
import { LogTable } from './log-table';
import { SettingsTable } from './settings-table';
import { TenantUrl } from './tenant-url';
import { TestConnection } from './test-connection';
import { Tokens } from './tokens';

type Load =
  { state: 'loading' } | { state: 'signedOut'; message: string } | { state: 'ready'; session: PortalSessionView };

/** The whole page: no tenant data until the session route has vouched for this browser. */
export function App({ api, tenantId }: { api: PortalApi; tenantId: string }) {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [connection, setConnection] = useState<ConnectionView | undefined>();
  const [settings, setSettings] = useState<SettingsView | undefined>();
  const [lastToken, setLastToken] = useState('');
  const [error, setError] = useState('');
  const [logVersion, setLogVersion] = useState(0);

  const signedOut = (message: string) => {
    setConnection(undefined);
    setSettings(undefined);
    setLoad({ state: 'signedOut', message });
  };

  /** Any refusal of the session (expired, revoked) empties the page rather than leaving stale data. */
  const guard = useCallback(async <T,>(run: () => Promise<T>): Promise<T | undefined> => {
    try {
      const result = await run();
      setError('');
      return result;
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 401) signedOut(caught.message);
      else throw caught;
      return undefined;
    }
  }, []);

  const refresh = useCallback(async () => {
    await guard(async () => {
      const [view, current] = await Promise.all([
        api.call<ConnectionView>('GET', '/connection'),
        api.call<SettingsView>('GET', '/settings'),
      ]);
      setConnection(view);
      setSettings(current);
      setLogVersion((version) => version + 1);
    }).catch((caught: Error) => setError(caught.message));
  }, [api, guard]);

  useEffect(() => {
    api
      .call<PortalSessionView>('GET', '/session')
      .then((session) => {
        api.useCsrfToken(session.csrfToken);
        setLoad({ state: 'ready', session });
        return refresh();
      })
      .catch((caught: Error) =>
        signedOut(
          caught instanceof ApiError ? caught.message : `The connection page could not load: ${caught.message}`,
        ),
      );
  }, [api, refresh]);

  if (load.state === 'loading')
    return (
      <main class="page">
        <p role="status">Loading…</p>
      </main>
    );
  if (load.state === 'signedOut') {
    return (
      <main class="page">
        <h1>SCIM connection</h1>
        <section class="card" aria-labelledby="signed-out">
          <h2 id="signed-out">No access</h2>
          <p role="alert" data-testid="signed-out">
            {load.message}
          </p>
          <p>Setup links are personal, expire, and can be revoked. Ask your provider for a new one.</p>
        </section>
      </main>
    );
  }

  const signOut = async () => {
    await api.call('POST', '/session/end').catch(() => undefined);
    signedOut('You signed out. Open your setup link again to come back.');
  };

  return (
    <main class="page">
      <header class="masthead">
        <div>
          <h1>SCIM provisioning</h1>
          <p class="subtitle">
            <span data-testid="display-name">{load.session.displayName}</span> · tenant <code>{tenantId}</code>
          </p>
        </div>
        <button type="button" class="secondary" onClick={signOut}>
          Sign out
        </button>
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {connection && settings ? (
        <>
          <Health connection={connection} />
          <TenantUrl url={connection.tenantUrl} />
          <Tokens api={api} guard={guard} connection={connection} onIssued={setLastToken} onChange={refresh} />
          <TestConnection api={api} guard={guard} initialToken={lastToken} onDone={refresh} />
          <EntraSteps tenantUrl={connection.tenantUrl} />
          <SettingsTable
            api={api}
            guard={guard}
            settings={settings}
            onChange={(next) => (setSettings(next), setLogVersion((v) => v + 1))}
          />
          <LogTable api={api} guard={guard} version={logVersion} />
          <ConnectionState api={api} guard={guard} connection={connection} onIssued={setLastToken} onChange={refresh} />
        </>
      ) : (
        <p role="status">Loading the connection…</p>
      )}
    </main>
  );
}

/** How components run an API call: a 401 signs the page out; other errors come back to the caller. */
export type Guard = <T>(run: () => Promise<T>) => Promise<T | undefined>;

/** What the panels that change the connection (its state, its tokens) are given. */
export interface ConnectionPanelProps {
  api: PortalApi;
  guard: Guard;
  connection: ConnectionView;
  onIssued: (token: string) => void;
  onChange: () => Promise<void>;
}
