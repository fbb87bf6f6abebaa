# The two commands of the README, over CMake and ctest:
#   make run    install what is missing, build build/, start lab 8's server on 127.0.0.1:6379
#   make test   install what is missing, then every test under the sanitizers: the whole suite
#               built with ASan+UBSan (build-asan/), then labs 4-8 built with TSan (build-tsan/)
# Other targets: make build (build/, what the chapters use), make deps, make format, make asan,
# make tsan, make clean. `ctest --preset default` runs the suite in build/.
JOBS   ?= $(shell nproc)
PORT   ?= 6379
# The most complete server the course has built so far; later labs move this forward.
SERVER ?= lab8_replication
# Warnings are errors in CI (CI=true), and plain warnings on a learner's machine.
WERROR ?= $(if $(CI),ON,OFF)

.PHONY: run test build deps configure format asan tsan clean

run: build
	./build/bin/$(SERVER) --port $(PORT) --bind 127.0.0.1

# CI runs this (.ci/run). The sanitizers are the test run: one ordinary run as well would not fit
# CI's 30 minutes on 2 cores (docs/reliability.md, "Sanitizers in CI").
test: asan tsan

build: configure
	cmake --build --preset default -j $(JOBS)

configure: deps
	cmake --preset default -DCOURSE_WARNINGS_AS_ERRORS=$(WERROR) >/dev/null

deps:
	@bash cmake/install-deps.sh

format:
	find common lab* tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

# The whole suite under ASan+UBSan, at -O0: the fuzz runs build their own clang build, and the
# exercise answers their own ordinary one, inside it.
asan: deps
	cmake --preset asan -DCOURSE_WARNINGS_AS_ERRORS=$(WERROR) >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

# The labs with threads under TSan, at -O1: lab 4's AOF fsync thread, and labs 5-8 (client threads,
# the cron, the AOF). Only their programs and suites are built, and the preset runs the tests
# labelled lab4 to lab8.
TSAN_TARGETS = lab4_persist lab5_server lab6_types lab7_async lab8_replication \
               lab4_tests lab5_tests lab6_tests lab7_tests lab8_tests
tsan: deps
	cmake --preset tsan -DCOURSE_WARNINGS_AS_ERRORS=$(WERROR) >/dev/null
	cmake --build --preset tsan -j $(JOBS) --target $(TSAN_TARGETS)
	ctest --preset tsan -j $(JOBS)

clean:
	rm -rf build build-debug build-asan build-tsan build-fuzz
