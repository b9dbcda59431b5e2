#!/bin/sh
# The streaming replica: on first start, a copy of the primary by pg_basebackup (-R writes the
# standby settings); afterwards it streams from where it stopped.
set -eu
data=/var/lib/postgresql/data
if [ ! -s "$data/PG_VERSION" ]; then
  pg_basebackup -h primary -U flywheel -D "$data" -R -X stream -c fast
  chmod 0700 "$data"
fi
exec postgres -D "$data"
