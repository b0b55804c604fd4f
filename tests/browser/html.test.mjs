// Checks the HTML of every page type of the public portal (pages.json) in
// every language with the Nu Html Checker (vnu-jar, run with Java): zero
// errors. The pages are fetched as the gateway serves them (following a
// redirect to a sub-portal's own host) and checked in one run of the
// checker. GATEWAY_URL names the portal; JAVA the java binary (default: java
// on the PATH).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import vnu from 'vnu-jar';
import { portalPages, waitForPages, get } from './pages.mjs';

const pages = portalPages();
const errors = new Map(pages.map(p => [p, []]));

// checkHTML runs the checker over files and returns its messages.
function checkHTML(files) {
  return new Promise((resolve, reject) => {
    execFile(process.env.JAVA || 'java', ['-jar', String(vnu), '--errors-only', '--format', 'json', '--stdout', ...files],
      { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        // The checker exits 1 when it found errors; anything else is a failure to run.
        if (err && err.code !== 1) return reject(new Error(`vnu: ${err.message}\n${stderr}`));
        try { resolve(JSON.parse(stdout).messages); } catch (e) { reject(new Error(`vnu: ${e.message}\n${stdout}\n${stderr}`)); }
      });
  });
}

before(async () => {
  assert.deepEqual(await waitForPages(pages), [], 'every page of pages.json answers its status');
  const dir = mkdtempSync(join(tmpdir(), 'portalhub-vnu-'));
  try {
    const byFile = new Map();
    for (const [i, p] of pages.entries()) {
      const r = await get(p.url);
      assert.equal(r.status, p.status, `${p.url}: status`);
      const file = join(dir, `${i}.html`);
      writeFileSync(file, r.body);
      byFile.set(pathToFileURL(file).href, p);
    }
    for (const m of await checkHTML([...byFile.keys()])) {
      const p = byFile.get(m.url?.replace(/^file:\/(?!\/)/, 'file:///'));
      if (!p) throw new Error(`vnu: a message about no page of ours: ${JSON.stringify(m)}`);
      errors.get(p).push(`line ${m.lastLine}: ${m.message} [${(m.extract || '').trim()}]`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const p of pages) {
  test(`${p.name} is valid HTML`, () => {
    assert.deepEqual(errors.get(p), [], `${p.url}: the Nu Html Checker's errors`);
  });
}
