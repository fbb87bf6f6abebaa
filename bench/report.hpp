// What the load generator prints when a run ends: a table for people, one JSON line for scripts,
// and the percentile distribution for plots. Part of the benchmark harness (bench/).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <ostream>

#include "histogram.hpp"
#include "runner.hpp"

namespace bench {

/// The percentiles every report shows, with their names in the JSON object.
struct NamedPercentile {
    const char* name;
    double percentile;
};
inline constexpr NamedPercentile reported_percentiles[] = {
    {"p50", 50.0}, {"p90", 90.0}, {"p99", 99.0}, {"p99_9", 99.9}};

/// The run's settings and results as an aligned table.
void print_table(std::ostream& out, const LoadSettings& settings, const LoadResult& result);

/// Every number of the run in one object: settings, counts per command, throughput, and
/// latency in µs under `latency_us` (p50, p90, p99, p99_9, max, mean, min); in the open loop
/// the same numbers for the send lag under `send_lag_us` (null in the closed loop).
[[nodiscard]] nlohmann::json to_json(const LoadSettings& settings, const LoadResult& result);

/// The percentile distribution as columns for gnuplot: `percentile latency_us count`, after a
/// `#` line describing the run. bench/plot_latency.sh draws these files.
void write_latency_distribution(std::ostream& out, const LoadSettings& settings,
                                const Histogram& latency);

}  // namespace bench
