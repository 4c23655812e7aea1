#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it: go vet, then every test twice: on SQLite
# and on a private PostgreSQL cluster, each time with the browser tests in headless Chromium.
# It installs what is missing (scripts/test-deps.sh) and stops what it started.
# GO_TEST_FLAGS adds flags to both runs (e.g. GO_TEST_FLAGS=-v, or GO_TEST_FLAGS="-run TestScope").
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/test-deps.sh

t0=$SECONDS
trap stop_postgres EXIT
trap 'exit 130' INT TERM

ensure_chromium
start_postgres
export WUXING_TEST_ARTIFACTS="${WUXING_TEST_ARTIFACTS:-$PWD/test-artifacts}"
mkdir -p "$WUXING_TEST_ARTIFACTS"
go version
t1=$SECONDS

echo "== go vet ./..."
go vet ./...
t2=$SECONDS

flags=(-count=1 -timeout=30m ${GO_TEST_FLAGS:-})
status=0
echo "== go test ./...  (SQLite, browser)"
WUXING_TEST_POSTGRES="" go test "${flags[@]}" ./... || status=1
t3=$SECONDS
echo "== go test ./...  (PostgreSQL $PG_VERSION, browser)"
go test "${flags[@]}" ./... || status=1
t4=$SECONDS

echo "make test: setup $((t1 - t0))s, vet $((t2 - t1))s, SQLite run $((t3 - t2))s, PostgreSQL run $((t4 - t3))s; screenshots in $WUXING_TEST_ARTIFACTS"
if [ "$status" != 0 ]; then
	echo "make test: FAILED" >&2
fi
exit "$status"
