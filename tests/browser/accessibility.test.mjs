// Checks every page type of the public portal (pages.json) in every
// language against WCAG 2.1 AA with axe-core in Chromium, on a phone-sized
// and a laptop-sized screen: zero violations. GATEWAY_URL names the portal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe } from './lib.mjs';
import { portalPages, waitForPages } from './pages.mjs';

const pages = portalPages();
const viewports = [{ width: 360, height: 800 }, { width: 1280, height: 900 }];
let browser;
const tabs = [];

before(async () => {
  assert.deepEqual(await waitForPages(pages), [], 'every page of pages.json answers its status');
  browser = await launch();
  for (const viewport of viewports) tabs.push(await browser.newPage({ viewport, bypassCSP: true }));
});
after(() => browser?.close());

for (const p of pages) {
  test(`${p.name} meets WCAG 2.1 AA`, async () => {
    for (const tab of tabs) {
      const resp = await tab.goto(p.url);
      assert.equal(resp.status(), p.status, `${p.url}: status`);
      const violations = await axe(tab);
      assert.deepEqual(violations, [], `${p.url} at ${tab.viewportSize().width}px: ${JSON.stringify(violations, null, 1)}`);
    }
  });
}
