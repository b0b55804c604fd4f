// Shared helpers of the browser tests: launch Debian's Chromium headless
// (never a downloaded browser) and run axe-core in a page.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

// chromeFlags keep Chromium from reaching out to the network, which this
// machine's closed network refuses.
export const chromeFlags = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: chromeFlags });
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// axe runs axe-core's WCAG 2.1 A and AA rules in the page and returns the violations.
export async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
  });
}
