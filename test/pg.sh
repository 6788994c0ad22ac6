# SPDX-License-Identifier: BSD-2-Clause
# A throwaway PostgreSQL server for tests and benchmarks (sourced after
# test/lib.sh, which provides T, skip, fail, free_port, cleanup).
# pg_setup: initdb in $T/pg (data dir and socket dir; short, as the
# socket path must stay under 107 bytes), trust over the socket only,
# scram-sha-256 over TCP on a free loopback port; as root the server
# runs as "nobody" (initdb and postgres refuse root).  Stopped by the
# EXIT trap it installs.  Then: pg_start, pg_stop, pg_ctl, $PSQL,
# $PGD, $PGPORT, $PGBIN.
pg_setup() {
	PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	[ -n "$PGBIN" ] && [ -x "$PGBIN/initdb" ] ||
	    skip "no PostgreSQL server binaries (apt-get install postgresql)"
	PGD=$T/pg
	mkdir "$PGD"
	AS=""
	if [ "$(id -u)" = 0 ]; then
		id nobody >/dev/null 2>&1 ||
		    skip "no user nobody to run PostgreSQL as"
		command -v runuser >/dev/null 2>&1 || skip "runuser not installed"
		chmod 0711 "$T"
		chown nobody "$PGD"
		AS="runuser -u nobody --"
	fi
	trap 'pg_stop; cleanup' EXIT INT TERM
	PGPORT=$(free_port)
	$AS "$PGBIN/initdb" -D "$PGD/data" -U postgres --auth-local=trust \
	    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync \
	    >"$T/initdb.log" 2>&1 || { cat "$T/initdb.log"; skip "initdb failed"; }
	pg_start
	PSQL="$PGBIN/psql -X -q -v ON_ERROR_STOP=1 -h $PGD -p $PGPORT -U postgres"
}
pg_ctl() { $AS "$PGBIN/pg_ctl" -D "$PGD/data" "$@"; }
# fsync off: a throwaway server; benchmarks may set PG_OPTS to undo it
pg_start() {
	pg_ctl -l "$PGD/server.log" -w -t 30 -o "-k $PGD -h 127.0.0.1 \
	    -p $PGPORT ${PG_OPTS:--c fsync=off -c synchronous_commit=off}" \
	    start >/dev/null || { cat "$PGD/server.log"; fail "PostgreSQL did not start"; }
}
pg_stop() { [ -z "${PGBIN:-}" ] || pg_ctl -m immediate -w stop >/dev/null 2>&1 || true; }
