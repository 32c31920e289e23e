import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { runCli, type CliIo } from '../../../lambdas/admin/cli';
import { CSRF_HEADER } from '../../../lambdas/contracts/portal';
import { signLink } from '../../../lambdas/tenancy/portal-link';
import { getWiring } from '../../../lambdas/wiring';
import { scim, useTestService } from '../../support/local-service';

/**
 * The connection page in real headless Chromium (Debian's package; Playwright's own browser download
 * cannot run here). `PORTAL_SCREENSHOTS=docs/portal npx jest --testPathPatterns browser` also
 * writes the screenshots docs/portal.md shows.
 */
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available)
  process.stdout.write(
    `Browser tests skipped: ${CHROMIUM} is missing (install it with "apt-get install -y chromium").\n`,
  );
const screenshots = process.env.PORTAL_SCREENSHOTS;
const describeBrowser = available ? describe : describe.skip;

describeBrowser('the connection page in headless Chromium', () => {
  const service = useTestService();
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    if (screenshots) mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(() => {
    // No CSP violation, no script error, on any page a test opened.
    expect(problems).toEqual([]);
    problems.length = 0;
  });

  async function admin(...args: string[]): Promise<string[]> {
    const out: string[] = [];
    const io: CliIo = { out: (line) => out.push(line), err: (line) => out.push(line), dataDir: service.dataDir };
    const code = await runCli(['--local', ...args], io);
    if (code !== 0) throw new Error(`scim-admin ${args.join(' ')} failed: ${out.join('\n')}`);
    return out;
  }

  async function newTenant(name: string): Promise<{ id: string; token: string; tenantUrl: string }> {
    const id = `${name}-${Math.random().toString(36).slice(2, 8)}`;
    const created = JSON.parse((await admin('tenant', 'create', id, '--name', `${name} Ltd`, '--json')).join('\n')) as {
      token: string;
      tenantUrl: string;
    };
    return { id, ...created };
  }

  const linkOf = async (tenantId: string) =>
    ((await admin('portal', 'link', tenantId))[0] ?? '').replace(/^Portal: /, '');

  async function newPage(width = 1280, height = 800): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(service.baseUrl).origin });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text()))
        problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return { context, page };
  }

  async function shoot(page: Page, name: string, fullPage = false): Promise<void> {
    if (screenshots) await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage });
  }

  it("opens npm start's demo link, drops the secret from the address bar, shows the Tenant URL and copies it", async () => {
    const { context, page } = await newPage();

    await page.goto(service.portalLink);
    const field = page.getByLabel('Paste this into Entra ID as the Tenant URL');
    await field.waitFor();
    await page.getByRole('button', { name: 'Copy' }).first().click();
    await page.getByText('Copied.').waitFor();
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');

    expect(page.url()).toBe(`${new URL(service.baseUrl).origin}/portal/demo`);
    expect(await field.inputValue()).toBe(service.tenantUrl);
    expect(copied).toBe(service.tenantUrl);
    expect(await page.getByTestId('status').textContent()).toBe('Connected');
    await shoot(page, 'overview-desktop');
    await context.close();
  });

  it('generates a token shown once that works on the Tenant URL, tests the connection with it, then revokes it and it stops', async () => {
    const tenant = await newTenant('tokens');
    const { context, page } = await newPage();
    await page.goto(await linkOf(tenant.id));

    await page.getByLabel('Label', { exact: true }).fill('Entra ID production');
    await page.getByLabel('Expires after').selectOption('90');
    await page.getByRole('button', { name: 'Generate new token' }).click();
    const token = await page.getByLabel('New token “Entra ID production”').inputValue();
    const works = await scim(`${tenant.tenantUrl}/Users`, token);
    await shoot(page, 'token-shown-once');
    await page.getByRole('button', { name: 'Test connection' }).click();
    const result = page.getByTestId('test-result');
    await result.waitFor();
    const tested = await result.textContent();
    await shoot(page, 'test-connection');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Revoke token Entra ID production' }).click();
    await page.getByRole('row', { name: /Entra ID production.*Revoked/ }).waitFor();
    const stopped = await scim(`${tenant.tenantUrl}/Users`, token);

    expect(token).toMatch(/^scimsk_/);
    expect(works.status).toBe(200);
    expect(tested).toContain('Success');
    expect(tested).toContain('HTTP 200');
    expect(stopped.status).toBe(401);
    await context.close();
  });

  it('renders a label with markup as text, and shows the refusal of a 10 KB label, using only the keyboard', async () => {
    const tenant = await newTenant('labels');
    const { context, page } = await newPage();
    await page.goto(await linkOf(tenant.id));
    const markup = '<img src=x onerror="document.title=1"><b>bold</b>';

    await page.getByLabel('Label', { exact: true }).focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(markup);
    await page.keyboard.press('Enter');
    await page.getByLabel(`New token “${markup}”`).waitFor();
    // The table refreshes after the shown-once panel appears.
    await page.getByTestId('token-label').filter({ hasText: markup }).waitFor();
    const labels = await page.getByTestId('token-label').allTextContents();
    const injected = await page.locator('table img, table b').count();
    await page.getByLabel('Label', { exact: true }).fill('x'.repeat(10_240));
    // The form is busy (its button disabled, so Enter does nothing) until the first token's refresh is done.
    await page.locator('button[type=submit]:not([disabled])', { hasText: 'Generate new token' }).waitFor();
    await page.keyboard.press('Enter');
    const refusal = await page.getByTestId('tokens-error').textContent();

    expect(labels).toContain(markup);
    expect(injected).toBe(0);
    expect(await page.title()).toBe('SCIM connection');
    expect(refusal).toBe('label is 10240 characters long; the limit is 200.');
    expect(await page.getByTestId('token-label').count()).toBe(2);
    await context.close();
  });

  it("filters the log by status, and shows the server's 400 for a filter that is not a date", async () => {
    const tenant = await newTenant('logs');
    await scim(`${tenant.tenantUrl}/Users`, tenant.token, { method: 'POST', body: { userName: 'ada@logs.example' } });
    await scim(`${tenant.tenantUrl}/Users`, tenant.token, { method: 'POST', body: { userName: 'ada@logs.example' } });
    const { context, page } = await newPage();
    await page.goto(await linkOf(tenant.id));
    await page.getByTestId('log-table').waitFor();

    await page.getByLabel('Status', { exact: true }).selectOption('failed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByTestId('log-table').getByRole('cell', { name: '409' }).waitFor();
    const operations = await page.getByTestId('log-operation').allTextContents();
    await page.getByTestId('log-table').scrollIntoViewIfNeeded();
    await shoot(page, 'log-filtered');
    await page.getByLabel('From').fill('yesterday');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const error = await page.getByTestId('log-error').textContent();

    expect(operations).toEqual(['createUser']);
    expect(error).toContain('since "yesterday" is not a date');
    await context.close();
  });

  it("changes a field's owner, which the CLI then shows", async () => {
    const tenant = await newTenant('owners');
    const { context, page } = await newPage();
    await page.goto(await linkOf(tenant.id));

    await page.getByLabel('Owner of mobilePhone').selectOption('user');
    await page
      .getByTestId('settings-note')
      .getByText(/^Saved/)
      .waitFor();
    const shown = JSON.parse((await admin('policy', 'show', tenant.id, '--json')).join('\n')) as {
      owners: Record<string, string>;
    };
    await page.getByLabel('Owner of mobilePhone').scrollIntoViewIfNeeded();
    await shoot(page, 'source-of-truth');

    expect(shown.owners.mobilePhone).toBe('user');
    expect(shown.owners.title).toBe('directory');
    await context.close();
  });

  it('disconnects only after a confirmation that says what happens to accounts', async () => {
    const tenant = await newTenant('state');
    const { context, page } = await newPage();
    await page.goto(await linkOf(tenant.id));

    await page.getByRole('button', { name: 'Disconnect…' }).click();
    const dialog = page.getByRole('dialog');
    const text = await dialog.textContent();
    await shoot(page, 'disconnect-confirmation');
    await dialog.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByTestId('status').getByText('Disconnected').waitFor();
    const refused = await scim(`${tenant.tenantUrl}/Users`, tenant.token);

    expect(text).toContain('kept');
    expect(text).toContain('manual account');
    expect(refused.status).toBe(401);
    await context.close();
  });

  it('shows nothing for a tampered, expired or revoked link, or with another tenant’s session', async () => {
    const demoText = 'Demo tenant';
    const acme = await newTenant('acme');
    const good = await linkOf('demo');
    const index = good.length - 6;
    const tampered = `${good.slice(0, index)}${good[index] === 'A' ? 'B' : 'A'}${good.slice(index + 1)}`;
    // The last character's two lowest bits are padding (RFC 4648 §3.5): decoded, this twin is the same signature.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const lastTwin = `${good.slice(0, -1)}${alphabet[alphabet.indexOf(good.at(-1) ?? 'A') ^ 1]}`;
    const expired = `${new URL(service.baseUrl).origin}/portal/demo/open?link=${signLink('demo', 0, 60, await getWiring().deps.tokenKeys.getKeyRing(), new Date(Date.now() - 7_200_000)).secret}`;
    const revokable = await newTenant('revoked');
    const revokedLink = await linkOf(revokable.id);
    await admin('portal', 'revoke', revokable.id);

    for (const link of [tampered, lastTwin, expired, revokedLink]) {
      const { context, page } = await newPage();
      const response = await page.goto(link);
      expect(response?.status()).toBe(401);
      expect(await page.textContent('body')).toContain('This setup link is not valid');
      expect(await page.textContent('body')).not.toContain(demoText);
      await context.close();
    }
    const { context, page } = await newPage();
    await page.goto(await linkOf(acme.id));
    await page.getByTestId('status').waitFor();
    await page.goto(`${new URL(service.baseUrl).origin}/portal/demo`);
    await page.getByTestId('signed-out').waitFor();
    await shoot(page, 'other-tenant-refused');

    expect(await page.textContent('body')).not.toContain(demoText);
    expect(await page.textContent('body')).not.toContain(service.tenantUrl);
    await context.close();
  });

  it('refuses a write from the page without the CSRF token or with a wrong one', async () => {
    const tenant = await newTenant('csrf');
    const { context, page } = await newPage();
    await page.goto(await linkOf(tenant.id));
    await page.getByTestId('status').waitFor();

    // Runs in the page (its origin, its cookie): a forged write without the page's CSRF token.
    const statuses = await page.evaluate<number[]>(`(async () => {
      const post = (headers) => fetch(location.pathname + '/api/tokens', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '{"label":"forged"}' }).then((r) => r.status);
      return [await post({}), await post({ '${CSRF_HEADER}': 'wrong' })];
    })()`);
    const tokens = JSON.parse((await admin('token', 'list', tenant.id, '--json')).join('\n')) as unknown[];

    expect(statuses).toEqual([403, 403]);
    expect(tokens).toHaveLength(1);
    await context.close();
  });

  it('fits a phone width (390 px) without sideways scrolling', async () => {
    const { context, page } = await newPage(390, 844);
    await page.goto(await linkOf('demo'));
    await page.getByTestId('status').waitFor();

    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    await shoot(page, 'overview-phone');

    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });
});
