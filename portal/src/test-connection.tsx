import { useEffect, useState } from 'preact/hooks';
import type { TestConnectionResult } from '../../lambdas/contracts/connection';
import type { PortalApi } from './api';
import type { Guard } from './app';
import { TextField } from './text-field';

interface Props {
  api: PortalApi;
  guard: Guard;
  initialToken: string;
  onDone: () => Promise<void>;
}

/** Runs the call Entra's Test Connection makes, with the token the admin pasted into Entra. */
export function TestConnection({ api, guard, initialToken, onDone }: Props) {
  const [token, setToken] = useState(initialToken);
  const [result, setResult] = useState<TestConnectionResult | undefined>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => setToken(initialToken), [initialToken]);

  const test = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    setResult(undefined);
    try {
      const answer = await guard(() => api.call<TestConnectionResult>('POST', '/test', { token }));
      if (answer) setResult(answer);
      setBusy(false);
      await onDone();
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="test-title">
      <h2 id="test-title">Test connection</h2>
      <p>
        The service calls its own Tenant URL the way Entra ID&apos;s “Test Connection” does, with the token you give
        here.
      </p>
      <form class="inline-form" onSubmit={test}>
        <TextField
          id="test-token"
          label="Secret Token (as pasted into Entra ID)"
          type="password"
          value={token}
          onInput={setToken}
          grow
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Testing…' : 'Test connection'}
        </button>
      </form>
      {result && (
        <div class={`result ${result.ok ? 'ok' : 'failed'}`} role="status" data-testid="test-result">
          <p>
            <strong>{result.ok ? 'Success' : 'Failed'}</strong> · HTTP {result.status}
          </p>
          <p class="mono small">{result.request}</p>
          <p>{result.summary}</p>
        </div>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
