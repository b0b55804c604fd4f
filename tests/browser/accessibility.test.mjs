// Checks the portal's pages against WCAG 2.1 AA with axe-core in Chromium,
// on a phone-sized and a laptop-sized screen. PORTAL_URLS lists the pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe } from './lib.mjs';

const urls = (process.env.PORTAL_URLS || '').split(/\s+/).filter(Boolean);

test('portal pages pass axe-core WCAG 2.1 AA', async () => {
  assert.ok(urls.length > 0, 'PORTAL_URLS names no page');
  const browser = await launch();
  try {
    for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 900 }]) {
      const page = await browser.newPage({ viewport, bypassCSP: true });
      for (const url of urls) {
        const resp = await page.goto(url);
        assert.ok(resp.ok(), `${url}: status ${resp.status()}`);
        const violations = await axe(page);
        assert.deepEqual(violations, [], `${url} at ${viewport.width}px: ${JSON.stringify(violations, null, 1)}`);
      }
      await page.close();
    }
  } finally {
    await browser.close();
  }
});
