#!/bin/sh
# Run once by the postgres image when the primary's data directory is created: the replica
# connects as the same account (it needs REPLICATION) from the compose network.
set -eu
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "ALTER ROLE $POSTGRES_USER REPLICATION;"
echo "host replication $POSTGRES_USER all scram-sha-256" >> "$PGDATA/pg_hba.conf"
