# wuxing: `make run` starts the platform with the demo data; `make test` runs the whole suite.
# The Go toolchain is pinned here (go.mod says the language version, go 1.26); the go command
# fetches this toolchain through the module proxy on first use.
export GOTOOLCHAIN=go1.27.3

BIN  := bin/wuxing
DB   ?= ./data/wuxing.db
ADDR ?= 127.0.0.1:8080

.PHONY: run build test test-quick vet clean

## run: build and serve on SQLite at $(DB), loading the demo data set on first start
run: build
	./$(BIN) serve --demo --db $(DB) --addr $(ADDR)

## build: compile bin/wuxing
build:
	go build -o $(BIN) ./cmd/wuxing

## test: the whole suite: vet, unit, SQLite, PostgreSQL and browser tests (installs Chromium
## and starts a private PostgreSQL cluster when needed; see scripts/test.sh)
test:
	bash scripts/test.sh

## test-quick: plain go test; PostgreSQL and browser tests skip unless their variables are set
test-quick:
	go test ./...

## vet: go vet
vet:
	go vet ./...

## clean: remove the binary and test artifacts (not the data in ./data)
clean:
	rm -rf bin test-artifacts

## bench: generate a county (100,000 cases) into a temporary SQLite file, run `wuxing bench` on
## it and print its JSON (BENCHMARKS.md says what each field measures); a few minutes. Override
## BENCH_SCALE, BENCH_CASES, BENCH_FLAGS (e.g. BENCH_FLAGS="--duration 30s --clients 16").
BENCH_SCALE ?= county
BENCH_CASES ?= 100000
BENCH_FLAGS ?= --duration 10s --clients 8
.PHONY: bench
bench: build
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	./$(BIN) gen --scale $(BENCH_SCALE) --cases $(BENCH_CASES) --seed 1 --db "$$tmp/bench.db" >&2 && \
	./$(BIN) bench --db "$$tmp/bench.db" --json $(BENCH_FLAGS)
