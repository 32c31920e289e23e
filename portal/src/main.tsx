import { render } from 'preact';
import { PortalApi } from './api';
import { App } from './app';

const root = document.getElementById('app');
if (root) {
  const api = new PortalApi(root.dataset.api ?? '');
  root.textContent = '';
  render(<App api={api} tenantId={root.dataset.tenant ?? ''} />, root);
}
