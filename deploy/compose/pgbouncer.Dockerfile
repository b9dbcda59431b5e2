# PgBouncer from Debian's package, in transaction mode, in front of the primary (database
# "flywheel") and the replica ("flywheel_replica"), as in deploy/systemd's topology.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends pgbouncer && rm -rf /var/lib/apt/lists/*
COPY pgbouncer.ini /etc/pgbouncer/pgbouncer.ini
COPY pgbouncer-start.sh /pgbouncer-start.sh
USER postgres
EXPOSE 6432
ENTRYPOINT ["/bin/sh", "/pgbouncer-start.sh"]
