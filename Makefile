# The two commands of the README, over CMake and ctest:
#   make run    install what is missing, build, start the most complete server on 127.0.0.1:6379
#   make test   install what is missing, build, run every test (ends with ctest's summary)
# Other targets: make build, make deps, make format, make asan, make tsan, make clean.

JOBS   ?= $(shell nproc)
PORT   ?= 6379
# The most complete server the course has built so far; later labs move this forward.
SERVER ?= lab8_replication
# Warnings are errors in CI (CI=true), and plain warnings on a learner's machine.
WERROR ?= $(if $(CI),ON,OFF)

.PHONY: run test build deps configure format asan tsan clean

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

asan: deps
	cmake --preset asan >/dev/null && cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

tsan: deps
	cmake --preset tsan >/dev/null && cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan -j $(JOBS)

clean:
	rm -rf build build-debug build-asan build-tsan build-fuzz
