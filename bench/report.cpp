// The load generator's reports: table, JSON, percentile distribution. Part of the benchmark
// harness (bench/).
#include "report.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace bench {

namespace {

// printf into a std::string, for the aligned columns (std::format is not in GCC 12).
template <typename... Values>
std::string format(const char* pattern, Values... values) {
    char line[256];
    std::snprintf(line, sizeof line, pattern, values...);
    return line;
}

std::string describe(const LoadSettings& settings) {
    std::string text = settings.host + ":" + std::to_string(settings.port) + ", " +
                       std::to_string(settings.clients) + " clients, ";
    text += settings.rate ? format("open loop at %.0f requests/s", *settings.rate)
                          : "closed loop, pipeline " + std::to_string(settings.pipeline);
    text +=
        ", " + std::to_string(settings.threads) + (settings.threads == 1 ? " thread" : " threads");
    return text;
}

}  // namespace

void print_table(std::ostream& out, const LoadSettings& settings, const LoadResult& result) {
    out << "redis-course-bench: " << describe(settings) << "\n"
        << "  mix " << settings.mix.to_string() << ", keyspace " << settings.shape.keyspace
        << ", values of " << settings.shape.value_size << " bytes";
    if (settings.warmup_seconds > 0) out << ", warm-up " << settings.warmup_seconds << " s";
    out << "\n\n"
        << format("  %-14s %14llu\n", "requests", static_cast<unsigned long long>(result.requests))
        << format("  %-14s %14llu\n", "errors", static_cast<unsigned long long>(result.errors))
        << format("  %-14s %14.3f\n", "seconds", result.seconds)
        << format("  %-14s %14.0f\n\n", "ops/s", result.ops_per_second());

    out << format("  %-14s", "latency (us)");
    for (const auto& [name, percentile] : reported_percentiles)
        out << format(" %9s", name);
    out << format(" %9s %9s\n", "max", "mean") << format("  %-14s", "");
    for (const auto& [name, percentile] : reported_percentiles) {
        out << format(" %9llu", static_cast<unsigned long long>(
                                    result.latency.value_at_percentile(percentile)));
    }
    out << format(" %9llu %9.1f\n", static_cast<unsigned long long>(result.latency.max()),
                  result.latency.mean());
    if (settings.rate) {
        // How far behind its schedule the load generator itself sent: if this is large, the
        // latencies above are partly the client's.
        out << format("  %-14s", "send lag (us)");
        for (const auto& [name, percentile] : reported_percentiles) {
            out << format(" %9llu", static_cast<unsigned long long>(
                                        result.send_lag.value_at_percentile(percentile)));
        }
        out << format(" %9llu %9.1f\n", static_cast<unsigned long long>(result.send_lag.max()),
                      result.send_lag.mean());
    }
    out << "\n";

    out << format("  %-14s %14s %9s\n", "command", "requests", "errors");
    for (std::size_t i = 0; i < command_count; ++i) {
        const CommandStats& stats = result.commands[i];
        if (stats.requests == 0) continue;
        out << format("  %-14s %14llu %9llu\n", std::string{command_names[i]}.c_str(),
                      static_cast<unsigned long long>(stats.requests),
                      static_cast<unsigned long long>(stats.errors));
    }
    if (!result.first_error.empty()) out << "\n  first error reply: " << result.first_error << "\n";
    out.flush();
}

namespace {

nlohmann::json summary(const Histogram& histogram) {
    nlohmann::json numbers = {
        {"max", histogram.max()}, {"mean", histogram.mean()}, {"min", histogram.min()}};
    for (const auto& [name, percentile] : reported_percentiles)
        numbers[name] = histogram.value_at_percentile(percentile);
    return numbers;
}

}  // namespace

nlohmann::json to_json(const LoadSettings& settings, const LoadResult& result) {
    nlohmann::json commands = nlohmann::json::object();
    for (std::size_t i = 0; i < command_count; ++i) {
        const CommandStats& stats = result.commands[i];
        if (stats.requests == 0) continue;
        commands[std::string{command_names[i]}] = {{"requests", stats.requests},
                                                   {"errors", stats.errors}};
    }
    return {
        {"host", settings.host},
        {"port", settings.port},
        {"clients", settings.clients},
        {"pipeline", settings.pipeline},
        {"threads", settings.threads},
        {"loop", settings.rate ? "open" : "closed"},
        {"rate", settings.rate ? nlohmann::json(*settings.rate) : nlohmann::json()},
        {"mix", settings.mix.to_string()},
        {"keyspace", settings.shape.keyspace},
        {"data_size", settings.shape.value_size},
        {"warmup_seconds", settings.warmup_seconds},
        {"requests", result.requests},
        {"errors", result.errors},
        {"seconds", result.seconds},
        {"ops_per_sec", result.ops_per_second()},
        {"latency_us", summary(result.latency)},
        {"send_lag_us", settings.rate ? summary(result.send_lag) : nlohmann::json()},
        {"commands", commands},
        {"first_error", result.first_error},
        {"failure", result.failure},
    };
}

void write_latency_distribution(std::ostream& out, const LoadSettings& settings,
                                const Histogram& latency) {
    out << "# redis-course-bench latency distribution: " << describe(settings) << ", mix "
        << settings.mix.to_string() << "\n"
        << "# percentile latency_us count\n";
    for (const Histogram::Row& row : latency.percentile_distribution()) {
        out << format("%.6f %llu %llu\n", row.percentile,
                      static_cast<unsigned long long>(row.value),
                      static_cast<unsigned long long>(row.count_below));
    }
}

}  // namespace bench
