// The editorial board's core flow in a real browser: an author logs in,
// writes an article with a PDF attachment and submits it; the approver logs
// in as another user and approves it; the article and its PDF appear on the
// provincial portal. Driven by services/e2e with:
//   BACKOFFICE_URL  the sub-portal's back office
//   GATEWAY_URL     the portal
//   TENANT          the sub-portal's tenant id
//   DEMO_PASSWORD   the password of the demo accounts (tacgia, duyet)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, axe } from './lib.mjs';

const { BACKOFFICE_URL, GATEWAY_URL, TENANT, DEMO_PASSWORD } = process.env;
const pdf = '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';

async function login(page, username) {
  await page.goto(BACKOFFICE_URL + '/dang-nhap');
  await page.fill('#username', username);
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('main form button[type=submit]')]);
  assert.equal(new URL(page.url()).pathname, '/', `login as ${username} lands on the dashboard, got ${page.url()}`);
}

async function logout(page) {
  await Promise.all([page.waitForNavigation(), page.click('form[action="/dang-xuat"] button')]);
}

async function waitFor(what, fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

test('write, submit, approve, publish with a PDF', async () => {
  for (const [k, v] of Object.entries({ BACKOFFICE_URL, GATEWAY_URL, TENANT, DEMO_PASSWORD })) assert.ok(v, `${k} is not set`);
  const dir = mkdtempSync(join(tmpdir(), 'portalhub-browser-'));
  const pdfPath = join(dir, 'Kế hoạch tổ chức lễ hội.pdf');
  writeFileSync(pdfPath, pdf);
  const title = `Lễ hội Trầm Hương ${Date.now()}`;

  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: true });

    await page.goto(BACKOFFICE_URL + '/dang-nhap');
    assert.deepEqual(await axe(page), [], 'the login page meets WCAG 2.1 AA');

    // The author writes and submits.
    await login(page, 'tacgia');
    assert.deepEqual(await axe(page), [], 'the dashboard meets WCAG 2.1 AA');
    await page.goto(BACKOFFICE_URL + '/noi-dung/moi?kind=legal');
    assert.deepEqual(await axe(page), [], 'the legal document editor meets WCAG 2.1 AA');
    await page.goto(BACKOFFICE_URL + '/noi-dung/moi?kind=article');
    await page.selectOption('#category', 'news');
    await page.fill('#vi_title', title);
    await page.fill('#vi_summary', 'Lễ hội diễn ra tại quảng trường 2/4, thành phố Nha Trang.');
    await page.fill('#vi_body', '## Chương trình\n\n- Khai mạc lúc **19 giờ**\n- Biểu diễn nghệ thuật\n\nXem kế hoạch đính kèm.');
    await page.setInputFiles('#files', pdfPath);
    await Promise.all([page.waitForNavigation(), page.click('button[name=op][value=submit]')]);
    const submitted = await page.content();
    assert.ok(submitted.includes('Kế hoạch tổ chức lễ hội.pdf'), 'the submitted revision lists the PDF under its Vietnamese name');
    assert.deepEqual(await axe(page), [], 'the editor page after submitting meets WCAG 2.1 AA');
    // The author's personal API token page, with a token just issued.
    await page.goto(BACKOFFICE_URL + '/ma-truy-cap-api');
    await page.fill('#name', 'Phần mềm quản lý văn bản');
    await Promise.all([page.waitForNavigation(), page.click('main form[action="/ma-truy-cap-api"] button[type=submit]')]);
    assert.match(await page.inputValue('#issued-token'), /^spapi_/, 'the issued token is shown once');
    assert.deepEqual(await axe(page), [], 'the API tokens page meets WCAG 2.1 AA');
    // The inbox of citizens' questions, and a question when it holds one.
    await page.goto(BACKOFFICE_URL + '/hop-thu');
    assert.deepEqual(await axe(page), [], 'the question inbox meets WCAG 2.1 AA');
    const question = page.locator('main tbody a').first();
    if (await question.count()) {
      await Promise.all([page.waitForNavigation(), question.click()]);
      assert.deepEqual(await axe(page), [], 'a question of the inbox meets WCAG 2.1 AA');
    }
    await logout(page);

    // The approver, another user, approves it from the dashboard.
    await login(page, 'duyet');
    const link = page.locator('main a', { hasText: title }).first();
    await Promise.all([page.waitForNavigation(), link.click()]);
    const approve = page.locator('form[action$="/approve"] button[type=submit]').first();
    await Promise.all([page.waitForNavigation(), approve.click()]);
    await logout(page);

    // The portal shows it, with the PDF.
    const home = `${GATEWAY_URL}/vi/${TENANT}/`;
    const href = await waitFor('the article on the sub-portal home', async () => {
      await page.goto(home);
      const a = page.locator('main a', { hasText: title }).first();
      return (await a.count()) ? a.getAttribute('href') : null;
    });
    await page.goto(GATEWAY_URL + href);
    assert.equal(await page.locator('h1').innerText(), title);
    const pdfLink = page.locator('a[href^="/files/"]').first();
    assert.equal(await pdfLink.count(), 1, 'the article links its attachment');
    const resp = await page.request.get(GATEWAY_URL + await pdfLink.getAttribute('href'));
    assert.equal(resp.status(), 200);
    assert.equal(resp.headers()['content-type'], 'application/pdf');
    assert.match(resp.headers()['content-disposition'], /filename\*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch/);
    assert.equal(await resp.text(), pdf);
  } finally {
    await browser.close();
  }
});
