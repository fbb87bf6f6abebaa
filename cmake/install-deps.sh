#!/usr/bin/env bash
# Installs every package the course needs to build and test, on Debian 12, with apt.
# Idempotent: when everything is present it prints one line and changes nothing.
# Run as root (or with sudo available). Used by `make run`, `make test` and CI.
set -euo pipefail

packages=(
    # build tools
    g++ cmake make pkg-config
    # the four libraries (docs/dependencies.md says why each)
    libasio-dev nlohmann-json3-dev libgtest-dev libcli11-dev
    # the reference server and real clients the tests compare against
    redis-server redis-tools python3-redis python3-pytest
    # what the chapters use to talk to the servers by hand
    netcat-openbsd telnet iproute2 procps strace
    # fuzzing the parsers (clang with libFuzzer)
    clang libclang-rt-dev
    # bench/plot_latency.sh draws the latency percentile plot of docs/benchmarks.md (no X11)
    gnuplot-nox
    # the course as a website (mkdocs.yml); `ctest -L docs` builds it with --strict
    mkdocs mkdocs-material
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Debian's redis-server package starts a service on port 6379 where an init system runs it;
# the course's own server wants that port, so stop it (the tests start their own on free ports).
if command -v service >/dev/null && service redis-server status >/dev/null 2>&1; then
    $sudo service redis-server stop || true
fi
