#!/bin/sh
# the one account, from the environment, never baked into the image
set -eu
printf '"flywheel" "%s"\n' "$POSTGRES_PASSWORD" > /tmp/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
