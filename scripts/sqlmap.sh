#!/usr/bin/env bash
# sqlmap (Debian's package) against a running federation, on loopback
# (issue 12 point 4): it crawls the portal two links deep and a sub-portal's
# back office, logged in as an administrator, and tests every GET parameter
# and every form it finds (level 1, risk 1). Exits 1 when sqlmap reports any
# injectable parameter. Run it against `make cluster` or `make run`, e.g.
#
#   scripts/sqlmap.sh http://127.0.0.1:8080/vi/ http://127.0.0.1:8102 quantri var/credentials/demo-password
#
# The back-office crawl submits the forms it finds (accounts, tokens,
# items): point it at a throwaway federation, never at production.
set -euo pipefail
portal=${1:?portal URL, e.g. http://127.0.0.1:8080/vi/}
backoffice=${2:?back office URL, e.g. http://127.0.0.1:8102}
user=${3:?back-office login (an administrator)}
password_file=${4:?file holding its password}
out=${5:-var/sqlmap}

if ! command -v sqlmap >/dev/null; then
  if [ "$(id -u)" != 0 ]; then echo "sqlmap is missing: apt-get install sqlmap" >&2; exit 1; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlmap >/dev/null
fi
mkdir -p "$out"
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT

# Log in as a browser does: the form's CSRF token, then the session cookie.
token=$(curl -fsS -c "$jar" "$backoffice/dang-nhap" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
code=$(curl -sS -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf_token=$token" \
  --data-urlencode "next=/" --data-urlencode "username=$user" --data-urlencode password@<(tr -d '\n' < "$password_file") "$backoffice/dang-nhap")
session=$(awk '$6 ~ /_session$/ {print $6 "=" $7}' "$jar")
if [ "$code" != 303 ] || [ -z "$session" ]; then echo "login to $backoffice as $user failed ($code)" >&2; exit 1; fi

common=(--batch --crawl=2 --forms --level=1 --risk=1 --disable-coloring)
echo "== sqlmap: the portal ($portal)"
sqlmap -u "$portal" "${common[@]}" --threads=4 --output-dir="$out/portal" \
  --crawl-exclude='/files/|/static/|\.(png|jpg|pdf|css|js)' > "$out/portal.log" 2>&1
echo "== sqlmap: the back office ($backoffice, logged in as $user)"
sqlmap -u "$backoffice/" "${common[@]}" --cookie="$session" --csrf-token=csrf_token --output-dir="$out/backoffice" \
  --crawl-exclude='dang-xuat|/files/|/static/' > "$out/backoffice.log" 2>&1

status=0
for part in portal backoffice; do
  targets=$(grep -o 'found a total of [0-9]* targets' "$out/$part.log" | grep -o '[0-9]*' || echo 0)
  params=$(grep -o "testing for SQL injection on [A-Z]* parameter '[^']*'" "$out/$part.log" | sort -u | wc -l)
  findings=$(cat "$out/$part"/results-*.csv 2>/dev/null | grep -vc '^Target URL' || true)
  echo "$part: $targets targets, $params distinct parameters tested, $findings injectable"
  if [ "$findings" != 0 ] || grep -q "is vulnerable\|appears to be '.*' injectable" "$out/$part.log"; then status=1; fi
done
exit $status
