// redis-course-bench: a load generator for Redis-compatible servers, closed or open loop, with
// latency percentiles from a histogram (docs/benchmarks.md). This file only reads the flags and
// prints the results; the work is in runner.cpp. Part of the benchmark harness (bench/).
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "report.hpp"
#include "runner.hpp"
#include "workload.hpp"

int main(int argc, char** argv) {
    CLI::App app{
        "redis-course-bench: load for a Redis-compatible server, with latency percentiles"};
    bench::LoadSettings settings;
    std::string mix_text = "get:90,set:10";
    double duration = 0;
    double rate = 0;
    bool json = false;
    bool quiet = false;
    std::string latency_file;

    app.add_option("--host", settings.host, "Server address")->capture_default_str();
    app.add_option("--port", settings.port, "Server port")->capture_default_str();
    app.add_option("-c,--clients", settings.clients, "Connections")
        ->capture_default_str()
        ->check(CLI::Range(1, 100'000));
    auto* pipeline = app.add_option("-P,--pipeline", settings.pipeline,
                                    "Requests per connection sent before waiting for replies")
                         ->capture_default_str()
                         ->check(CLI::Range(1, 100'000));
    app.add_option("--threads", settings.threads, "Event loops, each on a thread of its own")
        ->capture_default_str()
        ->check(CLI::Range(1, 256));
    app.add_option("--keyspace", settings.shape.keyspace,
                   "Keys are key:NNNNNNNNNNNN with NNN... random in [0, keyspace)")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{1}, bench::max_keyspace));
    app.add_option("-d,--data-size", settings.shape.value_size, "Bytes of each SET/LPUSH value")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{0}, std::size_t{64} << 20));
    app.add_option("--mix", mix_text,
                   "Weighted commands: get, set, incr, lpush, rpush, lpop, rpop, sadd, ping")
        ->capture_default_str();
    auto* requests =
        app.add_option("-n,--requests", settings.requests, "Measured requests (after the warm-up)")
            ->capture_default_str()
            ->check(CLI::PositiveNumber);
    app.add_option("--duration", duration, "Measure for this many seconds instead of -n")
        ->check(CLI::PositiveNumber)
        ->excludes(requests);
    app.add_option("--rate", rate,
                   "Open loop: this many requests per second in all, each timed from when it "
                   "was due")
        ->check(CLI::PositiveNumber)
        ->excludes(pipeline);
    app.add_option("--warmup", settings.warmup_seconds, "Seconds of load before measuring")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--seed", settings.seed, "Seed of the random keys and commands")
        ->capture_default_str();
    app.add_flag("--json", json, "Print one JSON object with every number instead of the table");
    app.add_option("--latency-file", latency_file,
                   "Write the latency percentile distribution here, for plot_latency.sh");
    app.add_flag("-q,--quiet", quiet, "No progress line on stderr");
    CLI11_PARSE(app, argc, argv);

    std::string error;
    const auto mix = bench::Mix::parse(mix_text, error);
    if (!mix) {
        std::cerr << "redis-course-bench: --mix: " << error << "\n";
        return 2;
    }
    settings.mix = *mix;
    if (duration > 0) settings.duration_seconds = duration;
    if (rate > 0) settings.rate = rate;
    settings.threads = std::min(settings.threads, settings.clients);
    settings.progress = !quiet;

    bench::LoadResult result;
    try {
        result = bench::run_load(settings);
    } catch (const std::exception& failure) {  // cannot connect: nothing was measured
        std::cerr << "redis-course-bench: " << failure.what() << "\n";
        return 1;
    }

    if (json) {
        std::cout << bench::to_json(settings, result).dump() << std::endl;
    } else {
        bench::print_table(std::cout, settings, result);
    }
    if (!latency_file.empty()) {
        std::ofstream out{latency_file};
        bench::write_latency_distribution(out, settings, result.latency);
        if (!out.flush()) {
            std::cerr << "redis-course-bench: cannot write " << latency_file << "\n";
            return 1;
        }
    }
    if (!result.failure.empty()) {
        std::cerr << "redis-course-bench: the run stopped early: " << result.failure << "\n";
        return 1;
    }
    return 0;
}
