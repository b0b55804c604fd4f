// The public portal's page types (pages.json) as the pages to check, one per
// page type and language, and how to fetch them from the gateway that
// GATEWAY_URL names (the end-to-end federation, or `make run`'s).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import dns from 'node:dns';

export const languages = ['vi', 'en', 'ru'];

// portalPages expands pages.json: every entry in every language, with the
// URL to open (a sub-portal's own host keeps the gateway's port: Chromium
// and get resolve *.localhost to this machine), the status it answers, and
// whether Lighthouse audits it in this language.
export function portalPages(gateway = process.env.GATEWAY_URL) {
  if (!gateway) throw new Error('GATEWAY_URL is not set (the portal to check, e.g. http://127.0.0.1:8080)');
  const base = new URL(gateway);
  const types = JSON.parse(readFileSync(new URL('./pages.json', import.meta.url), 'utf8'));
  const pages = [];
  for (const [type, e] of Object.entries(types)) {
    for (const lang of languages) {
      const path = e.paths ? e.paths[lang] : e.path?.replaceAll('{lang}', lang);
      if (!path) throw new Error(`pages.json: "${type}" has no path in ${lang}`);
      const url = new URL(path, base);
      if (e.host) url.hostname = e.host;
      const status = e.status ?? 200;
      const lighthouse = e.lighthouse !== false && status === 200 && lang === (e.lighthouse || 'vi');
      pages.push({ type, lang, name: `${type} [${lang}]`, url: url.href, status, noindex: !!e.noindex, lighthouse });
    }
  }
  return pages;
}

// lookup resolves *.localhost to the loopback address, as browsers do.
function lookup(host, opts, cb) {
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);
  }
  return dns.lookup(host, opts, cb);
}

function fetchOnce(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { lookup, headers: { 'Accept-Language': 'vi' } }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(30000, () => req.destroy(new Error(`${url}: no answer in 30 s`)));
    req.on('error', reject);
  });
}

// get fetches url, following redirects (to a sub-portal's own host, for
// instance); url is where it landed.
export async function get(url) {
  for (let hops = 0; hops < 5; hops++) {
    const r = await fetchOnce(url);
    if (r.status < 300 || r.status >= 400 || !r.headers.location) return { ...r, url };
    url = new URL(r.headers.location, url).href;
  }
  throw new Error(`${url}: more than 5 redirects`);
}

// waitForPages waits until every page answers the status pages.json gives
// it: the demo content reaches the gateway through the hub a little after
// the federation starts. It returns the pages that still do not.
export async function waitForPages(pages, ms = 120000) {
  const end = Date.now() + ms;
  let pending = pages.map(p => ({ page: p, got: null }));
  for (;;) {
    const got = await Promise.all(pending.map(({ page }) => get(page.url).then(r => r.status, e => e.message)));
    pending = pending.map((w, i) => ({ page: w.page, got: got[i] })).filter(w => w.got !== w.page.status);
    if (pending.length === 0 || Date.now() > end) {
      return pending.map(({ page, got }) => `${page.name} ${page.url}: answers ${got}, want ${page.status}`);
    }
    await new Promise(r => setTimeout(r, 500));
  }
}
