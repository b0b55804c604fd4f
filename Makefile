# portalhub: `make run` starts the whole federation, `make test` checks everything.
# Every tool the build needs is installed here, at the versions pinned below.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Pinned tool versions: the one place they are named.
BUF_VERSION                := v1.75.0
PROTOC_GEN_GO_VERSION      := v1.36.12
PROTOC_GEN_GO_GRPC_VERSION := v1.5.1
GRPCURL_VERSION            := v1.9.3
MAILPIT_VERSION            := v1.33.1

ROOT    := $(CURDIR)
BIN     := $(ROOT)/bin
TOOLS   := $(BIN)/tools
export PATH := $(TOOLS):$(PATH)

MODULES := proto services gateway tenants
# Binaries: every module/cmd/name is built to bin/name.
CMDS = $(wildcard $(addsuffix /cmd/*,$(MODULES)))

.PHONY: help run run-build cluster chaos test bench build proto proto-check lint lint-rules vet tools grpcurl mailpit deps run-deps clean fuzz

help:
	@echo "make run    start the federation on this machine (NATS, PostgreSQL, hub, gateway, sub-portals)"
	@echo "make cluster  the clustered federation: 3 NATS nodes, PostgreSQL primary + replica, 2 aggregators, 2 gateways behind nginx"
	@echo "make chaos  kill each kind of process of the cluster under load; figures in var/chaos-report.json"
	@echo "make test   run every check and test (installs what it needs)"
	@echo "make fuzz   run each fuzz target for FUZZTIME (6s; make test runs it)"
	@echo "make bench  measure publish-to-visible, cached pages (against nginx), search (200,000 items), bulk ingest (against COPY) and visitors under publishing (load) against references; profiles in var/bench"
	@echo "make build  build the binaries into ./bin"
	@echo "make proto  regenerate the Go code from proto/"
	@echo "make clean  remove ./bin and ./var (all local data)"

# System packages the tests and the demo need (Debian; installed only when missing).
deps:
	@bash scripts/install-deps.sh

# What make run and make cluster need to serve: PostgreSQL, nginx, promtool's
# package, pdftotext; not the browser tests' Chromium, Java and npm packages,
# which only make test uses (on a fresh machine they cost make run minutes).
run-deps:
	@PORTALHUB_SKIP_BROWSER=1 bash scripts/install-deps.sh

# buf's own prebuilt binary from its npm package (@bufbuild/buf, the platform
# package it pins), not compiled from source: that took about 5 minutes on a
# fresh 2-core machine.
$(TOOLS)/buf:
	@mkdir -p $(TOOLS)/npm-buf
	npm install --prefix $(TOOLS)/npm-buf --no-audit --no-fund --loglevel=error --no-save @bufbuild/buf@$(BUF_VERSION:v%=%)
	cp $(TOOLS)/npm-buf/node_modules/@bufbuild/buf-linux-$(if $(filter aarch64 arm64,$(shell uname -m)),arm64,x64)/bin/buf $@
	@$@ --version
$(TOOLS)/protoc-gen-go:
	GOBIN=$(TOOLS) go install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
$(TOOLS)/protoc-gen-go-grpc:
	GOBIN=$(TOOLS) go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)

$(TOOLS)/grpcurl:
	GOBIN=$(TOOLS) go install github.com/fullstorydev/grpcurl/cmd/grpcurl@$(GRPCURL_VERSION)

tools: $(TOOLS)/buf $(TOOLS)/protoc-gen-go $(TOOLS)/protoc-gen-go-grpc

# Mailpit, the SMTP server and web mailbox make run sends the hub's mail to
# (its own process; docs/OPERATIONS.md, "Mail").
# Installed by a rename, so that it appears whole: make run builds it in
# the background while devstack, which starts it once it is there, runs.
$(TOOLS)/mailpit:
	@mkdir -p $(TOOLS)/.mailpit
	GOBIN=$(TOOLS)/.mailpit go install github.com/axllent/mailpit@$(MAILPIT_VERSION)
	mv $(TOOLS)/.mailpit/mailpit $@
mailpit: $(TOOLS)/mailpit

# grpcurl, a real gRPC client for poking at the aggregator (docs/OPERATIONS.md).
grpcurl: $(TOOLS)/grpcurl

proto: tools
	cd proto && rm -rf gen && buf generate --path portalhub

# Fails when the committed generated code differs from what the pinned tools make.
proto-check: tools
	@tmp=$$(mktemp -d) && cp -r proto/. $$tmp && cd $$tmp && rm -rf gen && buf generate --path portalhub && \
	  if ! diff -r $$tmp/gen $(ROOT)/proto/gen >/dev/null; then \
	    echo "proto/gen is stale: run 'make proto' and commit the result"; diff -r $$tmp/gen $(ROOT)/proto/gen | head -20; rm -rf $$tmp; exit 1; fi; \
	  rm -rf $$tmp; echo "proto/gen is up to date"

# promtool (Debian's prometheus package, scripts/install-deps.sh) checks the
# alert rules and runs their unit tests, which prove that they fire.
lint: lint-rules vet
lint-rules: tools
	cd proto && buf lint
	promtool check rules deploy/prometheus/alerts.yml
	promtool check config deploy/prometheus/prometheus.yml
	cd deploy/prometheus && promtool test rules alerts_test.yml
	@out=$$(gofmt -l $$(git ls-files '*.go' | grep -v '/gen/')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi
# One go vet over the workspace (go.work): every module's packages.
vet:
	go vet $(addprefix ./,$(addsuffix /...,$(MODULES)))

# One go build for all of them (go.work makes the modules one build): the
# packages they share compile once and the links run in parallel.
build:
	@mkdir -p $(BIN)
	go build -o $(BIN)/ $(addprefix ./,$(CMDS))
	@echo "built: $(notdir $(CMDS)) in ./bin"

# What make run and make cluster serve with: not the benchmarks' commands,
# nor grpcurl (make grpcurl). Mailpit is built in the background at the
# lowest priority (var/mailpit-build.log) while the binaries are built and
# the federation starts; devstack starts it once it is there, and the hub's
# mail waits in its queue until then. From a fresh clone, compiling Mailpit
# (about 130 CPU-seconds) held up make run by minutes (README, "On a fresh
# machine"). Not $(MAKE) in that line: make -n would run it.
RUN_CMDS := services/cmd/devstack services/cmd/natsd services/cmd/hubctl services/cmd/aggregator \
            gateway/cmd/gateway tenants/cmd/subportal
run-build:
	@mkdir -p $(BIN) var
	@if [ ! -x $(TOOLS)/mailpit ]; then echo "building Mailpit in the background (var/mailpit-build.log)"; \
	  nice -n 19 $$(command -v make) --no-print-directory mailpit >var/mailpit-build.log 2>&1 & fi
	go build -o $(BIN)/ $(addprefix ./,$(RUN_CMDS))

run: run-deps run-build
	$(BIN)/devstack

# The clustered topology (issue 12), its data under var/cluster, apart from
# make run's.
cluster: run-deps run-build
	DEVSTACK_CLUSTER=true PORTALHUB_VAR=var/cluster $(BIN)/devstack

# The fault tests' long form (services/chaos; make test runs the short one):
# 1,000 pushes from four sub-portals, 50 visitors through nginx, SIGKILL of
# each NATS node, aggregator and gateway, of a sub-portal and of the
# PostgreSQL primary, a restart of the primary, the replica stopped for a
# minute, SIGSTOP of the stream's leader for 20 s, a sub-portal's clock an
# hour ahead and back (its PostgreSQL under libfaketime); the figures are
# checked against issue 12's bounds.
chaos: deps build
	@mkdir -p var
	cd services && PORTALHUB_BIN=$(BIN) CHAOS_FULL=1 CHAOS_REPORT=$(ROOT)/var/chaos-report.json \
	  go test -count=1 -timeout 30m -run 'TestChaos' ./chaos
	@echo "report: var/chaos-report.json"

# Packages with real concurrency (relays, caches, consumers, interceptors)
# also run under the race detector: module:package-pattern.
RACE_PKGS := services:./internal/outbox services:./internal/hubstore services:./internal/auth \
             gateway:./internal/pagecache gateway:./internal/invalidate tenants:./internal/push

# Fuzz targets (issue 12 point 4), module:package:Target, each run for
# FUZZTIME by make fuzz, which make test runs (about 9 x 6 s plus the
# instrumented builds). Their seeds are committed under each package's
# testdata/fuzz/<Target>; plain go test runs those as ordinary tests.
FUZZTIME ?= 6s
FUZZ_TARGETS := services:./contentrules:FuzzSanitize services:./contentrules:FuzzBalance \
                services:./contentrules:FuzzPrepare services:./contentrules:FuzzCodec services:./vnenc:FuzzCheck \
                tenants:./internal/editorial:FuzzSlugify tenants:./internal/editorial:FuzzRenderMarkdown \
                gateway:./internal/portal:FuzzPaths gateway:./internal/portal:FuzzHost

fuzz:
	@bash scripts/fuzz.sh $(FUZZTIME) $(FUZZ_TARGETS)

# Test everything (scripts/test.sh): the system packages, the binaries and
# one go test over every module in one lane; generated code fresh, lint,
# the race pass, make fuzz and go vet beside it at a lower priority. Each
# step's output is also in var/test. PORTALHUB_BIN tells the end-to-end
# tests where the binaries are (built once). The search relevance set
# (services/hubread) writes its figures to var/search-relevance.txt, printed
# at the end (issue 8 point 5).
test:
	@CMDS="$(CMDS)" RACE_PKGS="$(RACE_PKGS)" FUZZTIME="$(FUZZTIME)" bash scripts/test.sh

# nginx, its brotli_static module and wrk (Debian) are the cached part's
# reference server and load generator (scripts/install-bench-deps.sh);
# BENCH_CHECK=1 exits non-zero when a ratio is below its aim.
bench: deps build
	@bash scripts/install-bench-deps.sh
	cd services && PORTALHUB_BIN=$(BIN) BENCH_PROFILES=$(ROOT)/var/bench go run ./cmd/bench

clean:
	rm -rf $(BIN) var
