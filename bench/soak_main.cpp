// redis-course-soak: many connections for a bounded time against a Redis-compatible server,
// every reply checked, the server's memory sampled (docs/reliability.md, "Load: the soak").
// This file reads the flags and prints; the work is in soak_runner.cpp. Part of bench/.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "soak.hpp"

namespace {

// Each connection is a descriptor: raise the soft limit toward the hard one if the default
// (often 1024) is too low, as redis-benchmark does for its clients.
bool raise_descriptor_limit(int connections) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return false;
    const auto needed = static_cast<rlim_t>(connections) + 64;
    if (limit.rlim_cur >= needed) return true;
    limit.rlim_cur = std::min(needed, limit.rlim_max);
    return ::setrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur >= needed;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"redis-course-soak: many checked connections for a bounded time"};
    bench::SoakSettings settings;
    bool strings_only = false;
    bool json = false;
    bool quiet = false;
    app.add_option("--host", settings.host, "Server address")->capture_default_str();
    app.add_option("--port", settings.port, "Server port")->capture_default_str();
    app.add_option("-c,--connections", settings.connections, "Client connections held open")
        ->capture_default_str()
        ->check(CLI::Range(1, 60'000));
    app.add_option("--duration", settings.duration_seconds, "Seconds of load, warm-up included")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--warmup", settings.warmup_seconds,
                   "Seconds before latency is recorded and the warm RSS is taken")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    app.add_option("--pid", settings.server_pid, "The server's process id, to sample its RSS")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--churn", settings.churn,
                   "Chance per operation that a client drops abruptly and reconnects")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("-P,--pipeline", settings.pipeline, "Requests in a pipelined batch")
        ->capture_default_str()
        ->check(CLI::Range(1, 10'000));
    app.add_option("--stall", settings.stall_seconds,
                   "A reply later than this many seconds (beyond a BLPOP's timeout) fails")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_flag("--strings-only", strings_only, "No LPUSH or BLPOP (lab 5 has no lists)");
    app.add_option("--seed", settings.seed, "Seed of the random choices")->capture_default_str();
    app.add_flag("--json", json, "Print one JSON object instead of the summary");
    app.add_flag("-q,--quiet", quiet, "No progress line on stderr");
    CLI11_PARSE(app, argc, argv);
    settings.lists = !strings_only;
    settings.progress = !quiet;
    settings.warmup_seconds = std::min(settings.warmup_seconds, settings.duration_seconds);

    if (!raise_descriptor_limit(settings.connections)) {
        std::cerr << "redis-course-soak: cannot raise the open files limit to "
                  << settings.connections + 64 << " (ulimit -n)\n";
        return 2;
    }
    bench::SoakResult result;
    try {
        result = bench::run_soak(settings);
    } catch (const std::exception& failure) {
        std::cerr << "redis-course-soak: " << failure.what() << "\n";
        return 2;
    }
    if (json) {
        std::cout << bench::soak_json(settings, result).dump() << std::endl;
    } else {
        bench::print_soak(std::cout, settings, result);
    }
    return result.failure_count() == 0 ? 0 : 1;
}
