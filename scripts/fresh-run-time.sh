#!/usr/bin/env bash
# Times `make run` from a fresh clone with empty Go build and module caches
# (issue 12 point 5; README, "On a fresh machine"):
#   scripts/fresh-run-time.sh [COMMIT] [FOLDER]
# clones this repository at COMMIT (default HEAD) into FOLDER (default a new
# one under /tmp), runs make run there with GOCACHE and GOMODCACHE empty (its
# addresses and the demo tenants' ports all free ones, so that it runs beside
# another make run), and prints when the binaries were there, when it served
# (the portal's /vi/ answered), when the background Mailpit build started
# Mailpit, then the wall and CPU (user + sys) time of everything make started,
# and the load average at the start and the end. Debian packages are taken as
# they are installed (make run-deps installs the missing ones).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
commit=$(git -C "$repo" rev-parse "${1:-HEAD}")
D=${2:-$(mktemp -d /tmp/portalhub-fresh.XXXXXX)}
mkdir -p "$D"
git clone -q "$repo" "$D/repo" && git -C "$D/repo" checkout -q "$commit" || exit 1
cd "$D/repo"
export GOCACHE=$D/gocache GOMODCACHE=$D/gomod GOFLAGS="-modcacherw -buildvcs=false"
mkdir -p "$GOCACHE" "$GOMODCACHE"
python3 -c 'import json,sys; t=json.load(open("tenants/demo/tenants.json")); [x.update(port=0) for x in t]; json.dump(t,open(sys.argv[1],"w"),ensure_ascii=False)' "$D/tenants.json"
( while sleep 10; do echo "$(date +%T) $(cut -d' ' -f1-3 /proc/loadavg)"; done ) > "$D/load.txt" &
loadpid=$!
t0=$(date +%s)
# A child subreaper, so that the background Mailpit build's CPU is counted too.
python3 - "$D/time.txt" make run GATEWAY_ADDR=127.0.0.1:0 AGGREGATOR_GRPC_ADDR=127.0.0.1:0 AGGREGATOR_HTTP_ADDR=127.0.0.1:0 \
  AGGREGATOR_OPS_ADDR=127.0.0.1:0 AGGREGATOR_CONSOLE_ADDR=127.0.0.1:0 DEVSTACK_CATALOGUE="$D/tenants.json" > "$D/run.log" 2>&1 <<'PY' &
import ctypes, os, resource, sys, time
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
t0, pid = time.time(), os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write("wall %.0f s, CPU %.0f s user + %.0f s sys\n" % (time.time() - t0, ru.ru_utime, ru.ru_stime))
PY
reaper=$!
echo "load at the start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$D/result.txt"
built=""
while ! grep -q "portalhub is running" "$D/run.log"; do
  kill -0 $reaper 2>/dev/null || { echo "make run ended early: $D/run.log" | tee -a "$D/result.txt"; break; }
  [ -z "$built" ] && [ -e bin/subportal ] && [ -e bin/gateway ] && built=1 && echo "binaries after $(( $(date +%s)-t0 )) s" | tee -a "$D/result.txt"
  sleep 1
done
gw=$(grep -o 'Provincial portal *http://[^ ]*' "$D/run.log" | awk '{print $3}')
# The printed address is the portal's Vietnamese home (.../vi/).
echo "serving after $(( $(date +%s)-t0 )) s: ${gw} answered $(curl -s -o /dev/null -w '%{http_code}' "${gw}")" | tee -a "$D/result.txt"
while grep -q "building Mailpit in the background" "$D/run.log" && ! grep -q "Mailpit built and started\|start Mailpit" "$D/run.log"; do
  kill -0 $reaper 2>/dev/null || break
  sleep 2
done
echo "Mailpit after $(( $(date +%s)-t0 )) s" | tee -a "$D/result.txt"
# devstack: make's child (the background Mailpit build, its shell gone,
# is the subreaper's child too)
devstack=$(pgrep -x devstack -P "$(pgrep -P $reaper | paste -sd,)" || true)
[ -n "$devstack" ] && kill -INT $devstack
wait $reaper
kill $loadpid
echo "$(cat "$D/time.txt"); load at the end: $(cut -d' ' -f1-3 /proc/loadavg); folder $D" | tee -a "$D/result.txt"
