#!/usr/bin/env bash
# pg.sh - start and stop a throwaway PostgreSQL 15 server for the tests.
#
# No system service is assumed: the server lives entirely in DIR (data in
# DIR/data, socket in DIR, log in DIR/server.log), listens on a free port on
# 127.0.0.1 and trusts every local connection.  When run as root, initdb and
# pg_ctl run as the `postgres` system user (initdb refuses to run as root).
set -euo pipefail

PGBIN=/usr/lib/postgresql/15/bin
PGUSER_NAME=vulnflow
PGDB_NAME=vulnflow
MARKER=.vulnflow-pg
READY_TIMEOUT=30

usage() {
	cat <<'EOF'
usage: tests/pg.sh start DIR
       tests/pg.sh stop DIR

start  create (or restart) a throwaway PostgreSQL 15 server in DIR and print
       its URL, postgresql://vulnflow@127.0.0.1:PORT/vulnflow, as the only
       line on stdout.  Installs postgresql-15 with apt-get if it is missing.
       Running `start` again on a live DIR just prints the URL again.
stop   stop the server in DIR (pg_ctl stop -m fast) and remove DIR.
       Stopping a DIR that does not exist succeeds.

The server logs to DIR/server.log; on failure its tail is printed to stderr.
EOF
}

die() {
	echo "pg.sh: $*" >&2
	exit 1
}

# Print the tail of the server log to stderr, if there is one.
show_log() {
	local log=$1/server.log
	if [[ -f $log ]]; then
		echo "pg.sh: last lines of $log:" >&2
		tail -n 30 "$log" >&2 || true
	fi
}

# Run a PostgreSQL program as the user that owns the cluster.
as_pg() {
	if [[ $(id -u) -eq 0 ]]; then
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

ensure_installed() {
	[[ -x $PGBIN/initdb && -x $PGBIN/pg_ctl ]] && return 0
	[[ $(id -u) -eq 0 ]] || die "postgresql-15 is not installed ($PGBIN/initdb missing) and not running as root to install it"
	echo "pg.sh: installing postgresql-15 with apt-get" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-15 >&2 ||
		{ apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-15 >&2; } ||
		die "apt-get install postgresql-15 failed"
	[[ -x $PGBIN/initdb ]] || die "$PGBIN/initdb still missing after installing postgresql-15"
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Create DIR owned by the cluster user, mode 700, and check it can reach it.
make_dir() {
	local dir=$1
	mkdir -p "$dir" || die "cannot create \"$dir\""
	if [[ $(id -u) -eq 0 ]]; then
		id postgres >/dev/null 2>&1 || die "no \"postgres\" system user (is postgresql-15 installed?)"
		chown postgres:postgres "$dir"
	fi
	chmod 700 "$dir"
	as_pg test -w "$dir" ||
		die "\"$dir\" is not reachable by user \"postgres\" (a parent directory is not searchable?); use a directory under /tmp"
	touch "$dir/$MARKER"
}

pick_locale() {
	if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
		echo C.UTF-8
	else
		echo C
	fi
}

init_cluster() {
	local dir=$1
	as_pg "$PGBIN/initdb" -D "$dir/data" -A trust -U "$PGUSER_NAME" -E UTF8 \
		--locale="$(pick_locale)" >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; die "initdb failed in \"$dir/data\""; }
}

is_running() {
	as_pg "$PGBIN/pg_ctl" status -D "$1/data" >/dev/null 2>&1
}

# Start the server on a fresh free port; retry if another process took it.
start_server() {
	local dir=$1 port tries
	for tries in 1 2 3; do
		port=$(free_port) || die "cannot pick a free port (is python3 installed?)"
		if as_pg "$PGBIN/pg_ctl" start -w -t "$READY_TIMEOUT" -D "$dir/data" \
			-l "$dir/server.log" -o "-c listen_addresses=127.0.0.1 -c port=$port \
-c unix_socket_directories='$dir' -c fsync=on -c max_connections=200" >/dev/null; then
			echo "$port" >"$dir/port"
			return 0
		fi
		grep -q 'could not bind' "$dir/server.log" 2>/dev/null || break
		echo "pg.sh: port $port was taken, retrying (attempt $tries)" >&2
	done
	show_log "$dir"
	die "server in \"$dir\" did not start"
}

wait_ready() {
	local dir=$1 port=$2 i
	for ((i = 0; i < READY_TIMEOUT * 5; i++)); do
		"$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$PGUSER_NAME" -d postgres && return 0
		sleep 0.2
	done
	show_log "$dir"
	die "server in \"$dir\" not ready after ${READY_TIMEOUT}s"
}

ensure_database() {
	local dir=$1 port=$2 have
	have=$("$PGBIN/psql" -X -q -tA -h 127.0.0.1 -p "$port" -U "$PGUSER_NAME" -d postgres \
		-c "SELECT 1 FROM pg_database WHERE datname = '$PGDB_NAME'") ||
		{ show_log "$dir"; die "cannot query the server in \"$dir\""; }
	[[ $have == 1 ]] && return 0
	"$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U "$PGUSER_NAME" "$PGDB_NAME" ||
		{ show_log "$dir"; die "createdb $PGDB_NAME failed"; }
}

cmd_start() {
	local dir=$1 port
	ensure_installed
	if [[ -d $dir && ! -f $dir/$MARKER && -n $(ls -A "$dir") ]]; then
		die "\"$dir\" exists, is not empty and was not made by pg.sh"
	fi
	make_dir "$dir"
	dir=$(cd "$dir" && pwd)
	[[ -f $dir/data/PG_VERSION ]] || init_cluster "$dir"
	if is_running "$dir" && [[ -f $dir/port ]]; then
		port=$(<"$dir/port")
	else
		start_server "$dir"
		port=$(<"$dir/port")
	fi
	wait_ready "$dir" "$port"
	ensure_database "$dir" "$port"
	echo "postgresql://$PGUSER_NAME@127.0.0.1:$port/$PGDB_NAME"
}

cmd_stop() {
	local dir=$1
	if [[ ! -e $dir ]]; then
		echo "pg.sh: \"$dir\" does not exist; nothing to stop" >&2
		return 0
	fi
	[[ -f $dir/$MARKER ]] || die "\"$dir\" was not made by pg.sh; not touching it"
	if [[ -f $dir/data/PG_VERSION ]] && is_running "$dir"; then
		as_pg "$PGBIN/pg_ctl" stop -w -t "$READY_TIMEOUT" -m fast -D "$dir/data" >/dev/null ||
			{ show_log "$dir"; die "pg_ctl stop failed for \"$dir\""; }
	fi
	rm -rf -- "$dir" || die "cannot remove \"$dir\""
}

main() {
	case ${1:-} in
	-h | --help | help)
		usage
		exit 0
		;;
	start | stop)
		[[ $# -eq 2 && -n $2 ]] || { usage >&2; exit 2; }
		# ignore the caller's libpq settings: we say exactly where to connect
		unset PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS
		"cmd_$1" "$2"
		;;
	*)
		usage >&2
		exit 2
		;;
	esac
}

main "$@"
