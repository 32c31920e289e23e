import { CopyField } from './copy-field';

/** The Tenant URL to paste into Entra. */
export function TenantUrl({ url }: { url: string }) {
  return (
    <section class="card" aria-labelledby="url-title">
      <h2 id="url-title">Tenant URL</h2>
      <CopyField id="tenant-url" label="Paste this into Entra ID as the Tenant URL" value={url} />
    </section>
  );
}
