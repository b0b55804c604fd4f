#!/usr/bin/env bash
# Installs what `make bench` measures against, only when it is missing:
# nginx (the reference server for cached pages and 304s), its brotli_static
# module, and wrk (the load generator). Without them the bench still runs:
# it measures with its own Go load generator and leaves out nginx, saying so.
set -euo pipefail

missing=()
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
ls /usr/lib/nginx/modules/ngx_http_brotli_static_module.so >/dev/null 2>&1 || missing+=(libnginx-mod-http-brotli-static)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages for make bench: ${missing[*]}; install them as root (apt-get install ${missing[*]}); measuring without them" >&2
    exit 0
  fi
  echo "installing Debian packages for make bench: ${missing[*]} (once)"
  apt-get update -qq
  # The bench starts its own nginx on a port of its own; Debian's would start
  # one on port 80 where services may start (policy-rc.d decides).
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
