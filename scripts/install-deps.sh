#!/usr/bin/env bash
# Installs what portalhub's demo and tests need, only when it is missing:
# PostgreSQL's server binaries and unaccent (Debian), Chromium for the
# real-browser tests and a Java runtime for the HTML checker (Debian), and
# the browser tests' npm packages; promtool (Debian's prometheus) for the
# alert rules; pdftotext (poppler-utils) for the search index; libfaketime
# for the fault tests.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
ls /usr/share/postgresql/*/extension/unaccent.control >/dev/null 2>&1 || missing+=(postgresql-contrib)
id postgres >/dev/null 2>&1 || missing+=(postgresql)
# promtool, for make lint's check of deploy/prometheus (about 20 MB; on a
# machine that runs systemd the package also starts a Prometheus server).
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
# nginx with its stream module, the proxy of make cluster and make chaos
# (deploy/nginx).
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -e /usr/lib/nginx/modules/ngx_stream_module.so ] || missing+=(libnginx-mod-stream)
# pdftotext, which the hub runs to index the text of PDF attachments
# (services/search/extract.go) and its tests exercise.
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
# libfaketime, under which the fault tests run one sub-portal's PostgreSQL
# to make its clock jump (services/chaos, services/pgcluster/faketime.go).
[ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ] || missing+=(libfaketime)
if [ "${PORTALHUB_SKIP_BROWSER:-}" = "" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
  command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "installing Debian packages: ${missing[*]} (once)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The browser tests' packages, pinned by tests/browser/package-lock.json:
# installed again whenever the lock file changed since the last install.
# --ignore-scripts: vnu-jar's install script would download a Java runtime;
# the HTML checker runs with Debian's.
if [ "${PORTALHUB_SKIP_BROWSER:-}" = "" ] && ! cmp -s tests/browser/package-lock.json tests/browser/node_modules/.portalhub-installed; then
  echo "installing the browser tests' npm packages"
  (cd tests/browser && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && cp package-lock.json node_modules/.portalhub-installed)
fi
