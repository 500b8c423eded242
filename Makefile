# QEMU NVMe hot-swap series: the one entry point.  See README.md.
SHELL := /bin/bash
S := scripts

.PHONY: all deps base tree export build check check-full bisect-check topic-check demo bench stress fuzz fuzz-coverage apply help

all: help

help:
	@echo "make demo        build if needed and run the hot-swap demo"
	@echo "make check       set up, build and run the tests (what CI runs)"
	@echo "make bench       measure hotplug latency, throughput and memory (table + PNG)"
	@echo "make stress      long seeded stress runs: NVMe hotplug, medium swaps (SEEDS=1,2,3 OPS=10000 TESTS=\"nvme medium\")"
	@echo "make fuzz        build the libFuzzer binary and fuzz NVMe hotplug (SECS=600)"
	@echo "make fuzz-coverage  lines the fuzz corpus and the qtests each reach (same build)"
	@echo "make check-full  QEMU's own check-qtest-x86_64 on the whole tree (UNPATCHED=1: without the series)"
	@echo "make deps|base|tree|build|export|bisect-check|topic-check"
	@echo "make apply QEMU_SRC=/path/to/qemu [SERIES=pcie|nvme|drive-insert|hotplug-state|stress]"

deps:
	@$(S)/deps.sh

base:
	@$(S)/base.sh

tree: base
	@$(S)/tree.sh

export:
	@$(S)/export.sh

build:
	@$(S)/tree.sh --if-needed && $(S)/build.sh default series-tests

check:
	@$(S)/check.sh

check-full:
	@UNPATCHED="$(UNPATCHED)" JOBS="$(JOBS)" KVM="$(KVM)" $(S)/check-full.sh

bisect-check:
	@$(S)/bisect-check.sh

topic-check:
	@$(S)/bisect-check.sh --topics

demo:
	@demo/demo.sh

bench:
	@demo/bench.sh

stress:
	@SEEDS="$(SEEDS)" OPS="$(OPS)" TESTS="$(TESTS)" $(S)/stress.sh

fuzz:
	@SECS="$(SECS)" $(S)/fuzz.sh

fuzz-coverage:
	@$(S)/fuzz-coverage.sh

apply:
	@$(S)/apply.sh "$(QEMU_SRC)" "$(SERIES)"
