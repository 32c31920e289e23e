import { useRef, useState } from 'preact/hooks';
import type { IssuedTokenView } from '../../lambdas/contracts/connection';
import type { ConnectionPanelProps } from './app';
import { CopyField } from './copy-field';

/** Disconnect and reconnect, each behind a confirmation that says what happens to the accounts. */
export function ConnectionState({ api, guard, connection, onIssued, onChange }: ConnectionPanelProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [issued, setIssued] = useState<IssuedTokenView | undefined>();
  const [error, setError] = useState('');
  const connected = connection.status === 'connected';

  const confirm = async () => {
    dialog.current?.close();
    setError('');
    try {
      if (connected) await guard(() => api.call('POST', '/disconnect'));
      else {
        const result = await guard(() => api.call<IssuedTokenView>('POST', '/reconnect'));
        if (result) {
          setIssued(result);
          onIssued(result.token);
        }
      }
      await onChange();
    } catch (caught) {
      setError((caught as Error).message);
    }
  };

  return (
    <section class="card danger-zone" aria-labelledby="state-title">
      <h2 id="state-title">{connected ? 'Disconnect' : 'Reconnect'}</h2>
      {connected ? (
        <p>Disconnecting stops provisioning from Entra ID. Accounts are kept and become manual accounts.</p>
      ) : (
        <p>
          The connection is disconnected. Reconnecting issues a new Secret Token; Entra ID then matches existing
          accounts again.
        </p>
      )}
      <button type="button" class={connected ? 'danger' : ''} onClick={() => dialog.current?.showModal()}>
        {connected ? 'Disconnect…' : 'Reconnect…'}
      </button>
      {issued && (
        <div class="shown-once">
          <p class="warning">
            <strong>Copy this token now.</strong> It is shown only once. Paste it into Entra ID as the Secret Token.
          </p>
          <CopyField id="reconnect-token" label="New token" value={issued.token} secret />
        </div>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <dialog ref={dialog} aria-labelledby="confirm-title" aria-describedby="confirm-text">
        <h3 id="confirm-title">{connected ? 'Disconnect SCIM provisioning?' : 'Reconnect SCIM provisioning?'}</h3>
        <div id="confirm-text">
          {connected ? (
            <ul>
              <li>
                Every Secret Token is revoked: Entra ID gets “401 Unauthorized” within 30 seconds and stops
                provisioning.
              </li>
              <li>
                The {connection.users} users and {connection.groups} groups are <strong>kept</strong>; every account
                becomes a manual account that people can edit in the product.
              </li>
              <li>Nothing is deleted. You can reconnect later with a new token.</li>
            </ul>
          ) : (
            <ul>
              <li>A new Secret Token is issued and shown once; paste it into Entra ID.</li>
              <li>
                Directory-owned fields become read-only in the product again; Entra ID&apos;s next cycle updates them.
              </li>
            </ul>
          )}
        </div>
        <div class="row end">
          <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="button" class={connected ? 'danger' : ''} onClick={() => void confirm()}>
            {connected ? 'Disconnect' : 'Reconnect'}
          </button>
        </div>
      </dialog>
    </section>
  );
}
