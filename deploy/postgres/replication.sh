#!/usr/bin/env bash
# The primary's replication setup: the role the streaming replica connects
# as, the physical slot it streams through, and the one pg_hba.conf line that
# lets that role, and only it, open a replication connection from the
# network. Run once by the primary's image at its first start
# (/docker-entrypoint-initdb.d, compose.yaml), and by make cluster on its
# primary before it makes the replica (services/internal/federation, through
# pgcluster's Cluster.RunScript). Running it again changes nothing.
#
# Its environment, with the image's values as defaults:
#   REPLICATOR_PASSWORD_FILE  the role's password (/run/secrets/pg-replicator-password)
#   REPLICATION_SLOT          the slot's name (portalhub_replica_1)
#   POSTGRES_USER             the superuser psql connects as (postgres)
#   PGDATA                    the data directory whose pg_hba.conf gets the
#                             line (the image sets it)
#   PGHOST, PGPORT            where psql connects (unset: the image's socket)
# The server reads pg_hba.conf again when restarted (the image restarts it
# after its init scripts) or reloaded (SELECT pg_reload_conf(), as make
# cluster does).
set -euo pipefail
password_file=${REPLICATOR_PASSWORD_FILE:-/run/secrets/pg-replicator-password}
slot=${REPLICATION_SLOT:-portalhub_replica_1}
: "${PGDATA:?must name the data directory of the primary}"
[ -r "$password_file" ] || { echo "replication.sh: cannot read the replicator's password in $password_file" >&2; exit 1; }
# psql reads the password from the file itself: it never appears on a
# command line.
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v pwfile="$password_file" -v slot="$slot" <<'SQL'
\set pw `cat :'pwfile'`
SELECT format('CREATE ROLE replicator WITH LOGIN REPLICATION PASSWORD %L', :'pw')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'replicator') \gexec
SELECT pg_create_physical_replication_slot(:'slot', true)
  WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = :'slot');
SQL
line="host replication replicator all scram-sha-256"
grep -qxF "$line" "$PGDATA/pg_hba.conf" || echo "$line" >> "$PGDATA/pg_hba.conf"
