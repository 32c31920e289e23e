import { useState } from 'preact/hooks';
import type { IssuedTokenView, TokenView } from '../../lambdas/contracts/connection';
import { shortTime } from './api';
import type { ConnectionPanelProps } from './app';
import { CopyField } from './copy-field';
import { TextField } from './text-field';

function stateOf(token: TokenView): string {
  if (token.revokedAt) return `Revoked ${shortTime(token.revokedAt)}`;
  if (!token.live) return 'Expired';
  return 'Live';
}

/** The tenant's Secret Tokens: generate (shown once), list, revoke. */
export function Tokens({ api, guard, connection, onIssued, onChange }: ConnectionPanelProps) {
  const [label, setLabel] = useState('Entra ID');
  const [days, setDays] = useState('365');
  const [issued, setIssued] = useState<IssuedTokenView | undefined>();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError('');
    try {
      await guard(action);
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const generate = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      const token = await api.call<IssuedTokenView>('POST', '/tokens', {
        label,
        expiresInDays: days === 'never' ? null : Number(days),
      });
      setIssued(token);
      onIssued(token.token);
      await onChange();
    });
  };

  const revoke = (token: TokenView) => {
    if (!window.confirm(`Revoke the token "${token.label}"? Entra ID stops provisioning with it within 30 seconds.`))
      return;
    void run(async () => {
      await api.call('DELETE', `/tokens/${encodeURIComponent(token.id)}`);
      await onChange();
    });
  };

  const disconnected = connection.status !== 'connected';
  return (
    <section class="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">Secret tokens</h2>
      {issued && (
        <div class="shown-once" role="region" aria-label="New token">
          <p class="warning">
            <strong>Copy this token now.</strong> It is shown only once and cannot be retrieved later. Paste it into
            Entra ID as the Secret Token.
          </p>
          <CopyField id="new-token" label={`New token “${issued.label}”`} value={issued.token} secret />
          <button type="button" class="secondary" onClick={() => setIssued(undefined)}>
            I have copied it
          </button>
        </div>
      )}
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Tokens of this connection</caption>
          <thead>
            <tr>
              <th scope="col">Label</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">State</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {connection.tokens.map((token) => (
              <tr key={token.id} data-token-id={token.id}>
                <td class="label-cell" data-testid="token-label">
                  {token.label}
                </td>
                <td>{shortTime(token.createdAt)}</td>
                <td>{token.expiresAt ? shortTime(token.expiresAt) : 'never'}</td>
                <td>{shortTime(token.lastUsedAt)}</td>
                <td>{stateOf(token)}</td>
                <td>
                  {!token.revokedAt && (
                    <button
                      type="button"
                      class="danger small"
                      disabled={busy}
                      onClick={() => revoke(token)}
                      aria-label={`Revoke token ${token.label}`}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form class="inline-form" onSubmit={generate} aria-labelledby="generate-title">
        <h3 id="generate-title">Generate new token</h3>
        <TextField id="token-label" label="Label" type="text" value={label} onInput={setLabel} />
        <div class="field">
          <label for="token-expiry">Expires after</label>
          <select id="token-expiry" value={days} onChange={(event) => setDays(event.currentTarget.value)}>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
            <option value="180">180 days</option>
            <option value="365">1 year</option>
            <option value="730">2 years</option>
            <option value="never">Never</option>
          </select>
        </div>
        <button type="submit" disabled={busy || disconnected}>
          Generate new token
        </button>
      </form>
      {disconnected && <p class="note">The connection is disconnected: reconnect it below to get a new token.</p>}
      <p class="note">
        Two tokens can be live at once, so you can rotate: generate, update Entra ID, then revoke the old one.
      </p>
      {error && (
        <p class="error" role="alert" data-testid="tokens-error">
          {error}
        </p>
      )}
    </section>
  );
}
