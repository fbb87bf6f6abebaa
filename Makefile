# The two commands of the README, over CMake and ctest:
#   make run    install what is missing, build, start the most complete server on 127.0.0.1:6379
#   make test   install what is missing, build, run every test (ends with ctest's summary)
# Other targets: make build, make deps, make format, make asan, make tsan, make sanitize (both),
# make clean.

JOBS   ?= $(shell nproc)
PORT   ?= 6379
# The most complete server the course has built so far; later labs move this forward.
SERVER ?= lab8_replication
# Warnings are errors in CI (CI=true), and plain warnings on a learner's machine.
WERROR ?= $(if $(CI),ON,OFF)

.PHONY: run test build deps configure format asan tsan sanitize clean

run: build
	./build/bin/$(SERVER) --port $(PORT) --bind 127.0.0.1

test: build
	ctest --preset default -j $(JOBS)

build: configure
	cmake --build --preset default -j $(JOBS)

configure: deps
	cmake --preset default -DCOURSE_WARNINGS_AS_ERRORS=$(WERROR) >/dev/null

deps:
	@bash cmake/install-deps.sh

format:
	find common lab* tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

# The whole suite under ASan+UBSan (the fuzz runs have their own sanitized build, and the
# exercise answers are checked in the default build: the preset leaves both out). Warnings are
# not errors here: the default build holds that line, and g++ 12 at -O1 with the sanitizers warns
# falsely (-Wmismatched-new-delete) on the frames of Asio's coroutines.
asan: deps
	cmake --preset asan -DCOURSE_WARNINGS_AS_ERRORS=OFF >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

# The threaded labs (5-8: client threads, the cron, the AOF's fsync thread) under TSan: only their
# programs and suites are built, and the preset runs the tests labelled lab5 to lab8.
TSAN_TARGETS = lab5_server lab6_types lab7_async lab8_replication \
               lab5_tests lab6_tests lab7_tests lab8_tests
tsan: deps
	cmake --preset tsan -DCOURSE_WARNINGS_AS_ERRORS=OFF >/dev/null
	cmake --build --preset tsan -j $(JOBS) --target $(TSAN_TARGETS)
	ctest --preset tsan -j $(JOBS)

sanitize: asan tsan

clean:
	rm -rf build build-debug build-asan build-tsan build-fuzz
