#!/usr/bin/env bash
# Run once by the primary's image at its first start
# (/docker-entrypoint-initdb.d): the role the streaming replica connects as
# and the physical slot it streams through (as make cluster's
# pgcluster.StartReplica makes them), and the one pg_hba.conf line that lets
# that role, and only it, open a replication connection from the network.
set -euo pipefail
password=$(cat /run/secrets/pg-replicator-password)
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -v pw="$password" <<'SQL'
CREATE ROLE replicator WITH LOGIN REPLICATION PASSWORD :'pw';
SELECT pg_create_physical_replication_slot('portalhub_replica_1', true);
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
