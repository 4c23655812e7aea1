#!/usr/bin/env bash
# What the whole test suite needs beyond Go, for `make test` (scripts/test.sh sources this file):
#   ensure_chromium  installs Debian's chromium (and a Chinese font for readable screenshots)
#                    when missing, and exports WUXING_TEST_CHROMIUM;
#   start_postgres   starts a private, throw-away PostgreSQL 15 cluster owned by the postgres
#                    user in a temporary folder on a free port, creates a role with CREATEDB and
#                    a password, and exports WUXING_TEST_POSTGRES;
#   stop_postgres    stops that cluster and removes its folder.
# The machine's own clusters (pg_lsclusters) are never touched. Everything is idempotent: a
# second run installs nothing and starts a fresh private cluster beside any other.

PG_VERSION="${PG_VERSION:-15}"
PGTEST_DIR=""
PGTEST_BIN=""

deps_log() { printf 'test-deps: %s\n' "$*" >&2; }

# apt_install installs Debian packages, once per run updating the package lists first.
apt_install() {
	if [ "$(id -u)" != 0 ]; then
		deps_log "need root to install $* (apt-get install -y $*)"
		return 1
	fi
	local log
	log="$(mktemp /tmp/wuxing-apt.XXXXXX)"
	if [ -z "${_APT_UPDATED:-}" ]; then
		deps_log "apt-get update"
		DEBIAN_FRONTEND=noninteractive apt-get update >"$log" 2>&1 || {
			cat "$log" >&2
			rm -f "$log"
			return 1
		}
		_APT_UPDATED=1
	fi
	deps_log "apt-get install -y --no-install-recommends $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >"$log" 2>&1 || {
		cat "$log" >&2
		rm -f "$log"
		return 1
	}
	rm -f "$log"
}

# installed reports whether a Debian package is installed (not merely known, or removed with
# its configuration left).
installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

ensure_chromium() {
	local want=()
	[ -x /usr/bin/chromium ] || want+=(chromium)
	# Without a CJK font every Chinese character is a box in the screenshots.
	installed fonts-wqy-microhei || want+=(fonts-wqy-microhei)
	if [ "${#want[@]}" -gt 0 ]; then
		apt_install "${want[@]}"
	fi
	/usr/bin/chromium --version >&2 2>/dev/null
	export WUXING_TEST_CHROMIUM=/usr/bin/chromium
}

# as_postgres runs a command as the postgres user when we are root (initdb refuses root), as
# ourselves otherwise, from / so that an unreadable working folder does not matter.
as_postgres() {
	if [ "$(id -u)" = 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		(cd / && "$@")
	fi
}

port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# remove_stale_clusters removes the folders of private clusters whose server is gone (a run
# that was killed before it could clean up).
remove_stale_clusters() {
	local d pid
	# Only folders older than half an hour: a younger one may be another run's, still starting.
	for d in $(find /tmp -maxdepth 1 -name 'wuxing-pgtest.*' -type d -mmin +30 2>/dev/null); do
		pid=""
		[ -f "$d/data/postmaster.pid" ] && pid="$(head -n1 "$d/data/postmaster.pid")"
		if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
			rm -rf "$d"
		fi
	done
}

start_postgres() {
	PGTEST_BIN="/usr/lib/postgresql/$PG_VERSION/bin"
	if [ ! -x "$PGTEST_BIN/initdb" ]; then
		apt_install "postgresql-$PG_VERSION"
	fi
	if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
		deps_log "no postgres user: is PostgreSQL installed? (apt-get install -y postgresql-$PG_VERSION)"
		return 1
	fi
	remove_stale_clusters
	PGTEST_DIR="$(mktemp -d /tmp/wuxing-pgtest.XXXXXX)"
	chmod 700 "$PGTEST_DIR"
	[ "$(id -u)" = 0 ] && chown postgres:postgres "$PGTEST_DIR"

	local password
	password="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
	as_postgres "$PGTEST_BIN/initdb" -D "$PGTEST_DIR/data" -U postgres -E UTF8 --locale=C.UTF-8 \
		--auth-local=trust --auth-host=scram-sha-256 >"$PGTEST_DIR/initdb.log" 2>&1 || {
		cat "$PGTEST_DIR/initdb.log" >&2
		return 1
	}
	# A free port; if another run takes it first, the start fails and the next port is tried.
	local port=55432 tries=0
	while :; do
		while ! port_free "$port"; do
			port=$((port + 1))
		done
		# A test cluster: durability buys nothing here, speed does.
		if as_postgres "$PGTEST_BIN/pg_ctl" -D "$PGTEST_DIR/data" -l "$PGTEST_DIR/server.log" -w -t 60 \
			-o "-p $port -k $PGTEST_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
			start >/dev/null; then
			break
		fi
		tries=$((tries + 1))
		if [ "$tries" -ge 5 ]; then
			cat "$PGTEST_DIR/server.log" >&2
			return 1
		fi
		port=$((port + 1))
	done
	deps_log "private PostgreSQL $PG_VERSION cluster in $PGTEST_DIR on 127.0.0.1:$port"
	as_postgres "$PGTEST_BIN/psql" -h "$PGTEST_DIR" -p "$port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 \
		-c "CREATE ROLE wuxing_test LOGIN CREATEDB PASSWORD '$password'" >&2
	export WUXING_TEST_POSTGRES="postgres://wuxing_test:$password@127.0.0.1:$port/postgres?sslmode=disable"
}

stop_postgres() {
	[ -n "$PGTEST_DIR" ] || return 0
	if [ -f "$PGTEST_DIR/data/postmaster.pid" ]; then
		as_postgres "$PGTEST_BIN/pg_ctl" -D "$PGTEST_DIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
			as_postgres "$PGTEST_BIN/pg_ctl" -D "$PGTEST_DIR/data" -m immediate stop >/dev/null 2>&1 || true
	fi
	rm -rf "$PGTEST_DIR"
	deps_log "stopped the private PostgreSQL cluster"
	PGTEST_DIR=""
}
