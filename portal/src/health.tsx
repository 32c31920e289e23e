import type { ConnectionView } from '../../lambdas/contracts/connection';
import { shortTime } from './api';

/** Connected or not, counts, the last request and failures in the last 24 hours. */
export function Health({ connection }: { connection: ConnectionView }) {
  const failures = `${connection.failuresLast24h}${connection.failuresCapped ? '+' : ''}`;
  return (
    <section class="card" aria-labelledby="health-title">
      <h2 id="health-title">Health</h2>
      <dl class="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <span class={`badge ${connection.status}`} data-testid="status">
              {connection.status === 'connected' ? 'Connected' : 'Disconnected'}
            </span>
          </dd>
        </div>
        <div>
          <dt>Users</dt>
          <dd data-testid="users">{connection.users}</dd>
        </div>
        <div>
          <dt>Groups</dt>
          <dd data-testid="groups">{connection.groups}</dd>
        </div>
        <div>
          <dt>Last request</dt>
          <dd title={connection.lastRequestAt ?? ''}>{shortTime(connection.lastRequestAt)}</dd>
        </div>
        <div>
          <dt>Failures (24 h)</dt>
          <dd class={connection.failuresLast24h > 0 ? 'warn' : ''} data-testid="failures">
            {failures}
          </dd>
        </div>
      </dl>
    </section>
  );
}
