/** The Entra ID set-up, step by step, with this connection's own values (docs/entra-setup.md has the long form). */
export function EntraSteps({ tenantUrl }: { tenantUrl: string }) {
  return (
    <section class="card" aria-labelledby="entra-title">
      <h2 id="entra-title">Set up Microsoft Entra ID</h2>
      <ol class="steps">
        <li>
          In the Entra admin center, open{' '}
          <em>Enterprise applications → New application → Create your own application</em>, name it, and pick{' '}
          <em>Integrate any other application you don&apos;t find in the gallery (Non-gallery)</em>.
        </li>
        <li>
          In the new app, open <em>Provisioning</em> and set <em>Provisioning Mode</em> to <strong>Automatic</strong>.
        </li>
        <li>
          Under <em>Admin Credentials</em>, set <em>Tenant URL</em> to <code class="break">{tenantUrl}</code> and{' '}
          <em>Secret Token</em> to a token from “Generate new token” above.
        </li>
        <li>
          Click <strong>Test Connection</strong>; Entra ID should report success. (The test above makes the same call.)
        </li>
        <li>
          Use <strong>Provision on demand</strong> with one user to check the attribute mapping before turning
          provisioning on.
        </li>
        <li>
          Under <em>Users and groups</em>, assign the <strong>All Users</strong> group (or the groups to provision),
          then set <em>Provisioning Status</em> to <strong>On</strong> and save.
        </li>
      </ol>
    </section>
  );
}
