# A thin wrapper over CMake. Every target first installs the Debian packages that are
# missing (tools/install-deps), so a fresh machine needs nothing else.
#   make        build into build/ (the command is build/bin/levcal)
#   make run    build, then evaluate the sample portfolio under policies/default.yaml
#   make test   build with AddressSanitizer + UBSan into build-asan/ and run every test
#   make bench  build optimised into build-bench/ and print the benchmark figures
#   make fuzz   build the libFuzzer targets with clang into build-fuzz/ and run each for
#               FUZZ_SECONDS (default 60)

BUILD       ?= build
ASAN_BUILD  ?= build-asan
BENCH_BUILD ?= build-bench
FUZZ_BUILD  ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps test-deps build run test bench fuzz install clean

all: build

deps:
	@sh tools/install-deps

test-deps:
	@sh tools/install-deps --test

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLC_WERROR=ON >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/bin/levcal eval --policy policies/default.yaml \
		--portfolio examples/portfolio.yaml --format table

test: test-deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLC_SANITIZE=ON -DLC_WERROR=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

bench: deps
	@cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DLC_WERROR=ON -DBUILD_TESTING=OFF >/dev/null
	@cmake --build $(BENCH_BUILD) -j $(JOBS)
	@sh bench/run.sh $(BENCH_BUILD)

fuzz: deps
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLC_FUZZ=ON \
		-DBUILD_TESTING=OFF -DLC_BUILD_BENCH=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD) $(FUZZ_BUILD)
