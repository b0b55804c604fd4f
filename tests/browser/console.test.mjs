// The ops console's pages, signed in (as an administrator, who sees every form):
// axe-core's WCAG 2.1 A and AA rules at 360 px and 1280 px, and the Nu Html
// Checker on the HTML the console serves: zero violations, zero errors.
// Driven by services/e2e (TestConsolePagesInBrowser) with:
//   CONSOLE_URL       the console, e.g. http://127.0.0.1:9446
//   CONSOLE_USER      an administrator's ops account
//   CONSOLE_PASSWORD  its password
//   CONSOLE_TENANT    a tenant with items
//   SCREENSHOTS       optional: a folder to save each page's screenshots in
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vnu from 'vnu-jar';
import { launch, axe } from './lib.mjs';

const { CONSOLE_URL, CONSOLE_USER, CONSOLE_PASSWORD, CONSOLE_TENANT, SCREENSHOTS } = process.env;
const viewports = [{ width: 360, height: 800 }, { width: 1280, height: 900 }];

// The pages: each kind of console page once in Vietnamese, a few in English.
// The item page's and the credential confirmations' addresses are found on
// the tenant's page.
function consolePages(item, rotate, revoke) {
  const t = encodeURIComponent(CONSOLE_TENANT);
  return [
    ['tenants', '/don-vi'],
    ['tenants (filtered, English)', '/don-vi?kind=department&lang=en'],
    ['tenant', `/don-vi/${t}`],
    ['item', item],
    ['item (English)', `${item}?lang=en`],
    ['add a tenant (form)', '/them-don-vi'],
    ['edit a tenant (form, English)', `/don-vi/${t}/sua?lang=en`],
    ['suspend a tenant (confirmation)', `/don-vi/${t}/tam-dung`],
    ['resume a tenant (confirmation, English)', `/don-vi/${t}/tiep-tuc?lang=en`],
    ['issue a credential (confirmation)', `/don-vi/${t}/khoa/cap`],
    ['rotate a credential (confirmation)', rotate],
    ['revoke a credential (confirmation, English)', `${revoke}?lang=en`],
    ['rename a tenant (form)', `/don-vi/${t}/doi-ma`],
    ['merge a tenant (form, English)', `/don-vi/${t}/sap-nhap?lang=en`],
    ['retire a tenant (form)', `/don-vi/${t}/ngung`],
    ['import a redirect map (form)', '/chuyen-huong'],
    ['takedowns', '/go-xuong?lang=vi'],
    ['refused pushes', '/bi-tu-choi'],
    ['audit log', '/nhat-ky'],
    ['compliance', '/tuan-thu'],
    ['compliance of a tenant (heatmap)', `/tuan-thu?tenant=${t}`],
    ['compliance (English)', '/tuan-thu?lang=en'],
    ['coverage', '/pham-vi?lang=vi'],
    ['publishing activity', '/hoat-dong'],
    ['publishing activity of a tenant', `/hoat-dong?tenant=${t}`],
    ['page views', '/luot-xem'],
    ['maintenance', '/bao-tri'],
    ['featured items', '/noi-bat'],
    ['advertising', '/quang-cao'],
    ['backlogs', '/hang-doi?lang=vi'],
    ['overdue questions', '/qua-han'],
  ].map(([name, path]) => ({ name, url: new URL(path, CONSOLE_URL).href }));
}

let browser, context, tab, pages;
const htmlErrors = new Map();

function checkHTML(files) {
  return new Promise((resolve, reject) => {
    execFile(process.env.JAVA || 'java', ['-jar', String(vnu), '--errors-only', '--format', 'json', '--stdout', ...files],
      { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        if (err && err.code !== 1) return reject(new Error(`vnu: ${err.message}\n${stderr}`));
        try { resolve(JSON.parse(stdout).messages); } catch (e) { reject(new Error(`vnu: ${e.message}\n${stdout}\n${stderr}`)); }
      });
  });
}

async function shoot(name, suffix) {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await tab.screenshot({ path: join(SCREENSHOTS, `${name.replace(/[^a-z0-9]+/gi, '-')}-${suffix}.png`), fullPage: true });
}

before(async () => {
  for (const [k, v] of Object.entries({ CONSOLE_URL, CONSOLE_USER, CONSOLE_PASSWORD, CONSOLE_TENANT })) assert.ok(v, `${k} is not set`);
  browser = await launch();
  context = await browser.newContext({ viewport: viewports[1], bypassCSP: true });
  tab = await context.newPage();

  // The login page, before signing in.
  await tab.goto(new URL('/dang-nhap', CONSOLE_URL).href);
  for (const vp of viewports) {
    await tab.setViewportSize(vp);
    assert.deepEqual(await axe(tab), [], `the login page at ${vp.width}px meets WCAG 2.1 AA`);
    await shoot('login', vp.width);
  }
  const loginHTML = await (await context.request.get(new URL('/dang-nhap', CONSOLE_URL).href)).text();

  await tab.fill('#username', CONSOLE_USER);
  await tab.fill('#password', CONSOLE_PASSWORD);
  await Promise.all([tab.waitForNavigation(), tab.click('main form button[type=submit]')]);
  assert.equal(new URL(tab.url()).pathname, '/don-vi', `signed in, the console opens the tenant list (at ${tab.url()})`);

  await tab.goto(new URL(`/don-vi/${encodeURIComponent(CONSOLE_TENANT)}`, CONSOLE_URL).href);
  const item = await tab.locator('#items ~ .table-scroll tbody th a').first().getAttribute('href');
  assert.ok(item, `${CONSOLE_TENANT} has an item listed on its page`);
  const rotate = await tab.locator('main a[href$="/doi"]').first().getAttribute('href');
  const revoke = await tab.locator('main a[href$="/thu-hoi"]').first().getAttribute('href');
  assert.ok(rotate && revoke, `${CONSOLE_TENANT}'s page links each live credential's rotation and revocation`);
  pages = consolePages(item, rotate, revoke);

  // The HTML of every page, as the console serves it, in one run of the checker.
  const dir = mkdtempSync(join(tmpdir(), 'portalhub-console-vnu-'));
  try {
    const byFile = new Map();
    const all = [{ name: 'login', url: new URL('/dang-nhap', CONSOLE_URL).href, html: loginHTML }];
    for (const p of pages) {
      const r = await context.request.get(p.url);
      assert.equal(r.status(), 200, `${p.url}: status`);
      all.push({ ...p, html: await r.text() });
    }
    for (const [i, p] of all.entries()) {
      const file = join(dir, `${i}.html`);
      writeFileSync(file, p.html);
      byFile.set(pathToFileURL(file).href, p.name);
      htmlErrors.set(p.name, []);
    }
    for (const m of await checkHTML([...byFile.keys()])) {
      const name = byFile.get(m.url?.replace(/^file:\/(?!\/)/, 'file:///'));
      if (!name) throw new Error(`vnu: a message about no page of ours: ${JSON.stringify(m)}`);
      htmlErrors.get(name).push(`line ${m.lastLine}: ${m.message} [${(m.extract || '').trim()}]`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
after(() => browser?.close());

test('the console pages meet WCAG 2.1 AA and are valid HTML', async (t) => {
  assert.deepEqual(htmlErrors.get('login'), [], 'the login page: the Nu Html Checker\'s errors');
  for (const p of pages) {
    await t.test(p.name, async () => {
      const resp = await tab.goto(p.url);
      assert.equal(resp.status(), 200, `${p.url}: status`);
      for (const vp of viewports) {
        await tab.setViewportSize(vp);
        const violations = await axe(tab);
        assert.deepEqual(violations, [], `${p.url} at ${vp.width}px: ${JSON.stringify(violations, null, 1)}`);
        await shoot(p.name, vp.width);
      }
      assert.deepEqual(htmlErrors.get(p.name), [], `${p.url}: the Nu Html Checker's errors`);
    });
  }
});

// A new credential's token is shown once, on the answer to the form that
// issues it: that page too meets WCAG 2.1 AA and is valid HTML. The
// credential is revoked afterwards, through its confirmation page.
test('a credential issued from the console: its one-time page, then its revocation', async () => {
  const tenant = new URL(`/don-vi/${encodeURIComponent(CONSOLE_TENANT)}`, CONSOLE_URL).href;
  await tab.setViewportSize(viewports[1]);
  await tab.goto(`${tenant}/khoa/cap`);
  await tab.fill('#label', 'kiểm tra trình duyệt');
  await Promise.all([tab.waitForNavigation(), tab.click('main form button[type=submit]')]);
  const token = await tab.locator('input#token').inputValue();
  assert.match(token, /^phk_/, 'the page shows the new token');
  const html = await tab.content();
  for (const vp of viewports) {
    await tab.setViewportSize(vp);
    assert.deepEqual(await axe(tab), [], `the new credential's page at ${vp.width}px meets WCAG 2.1 AA`);
    await shoot('new credential', vp.width);
  }
  const dir = mkdtempSync(join(tmpdir(), 'portalhub-console-vnu-'));
  try {
    const file = join(dir, 'secret.html');
    writeFileSync(file, html);
    const errors = (await checkHTML([file])).map((m) => `line ${m.lastLine}: ${m.message}`);
    assert.deepEqual(errors, [], 'the new credential\'s page: the Nu Html Checker\'s errors');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await tab.goto(tenant);
  const revoke = await tab.locator('main a[href$="/thu-hoi"]').last().getAttribute('href');
  await tab.goto(new URL(revoke, CONSOLE_URL).href);
  await Promise.all([tab.waitForNavigation(), tab.click('main form button[type=submit]')]);
  assert.match(tab.url(), /done=credential_revoked/, 'the credential is revoked');
});
