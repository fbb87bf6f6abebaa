// What the soak prints: a few aligned lines for people, one JSON object for bench/soak.sh and
// the ctest. Part of the benchmark harness (bench/).
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "soak.hpp"

namespace bench {

namespace {

// printf into a std::string, for the aligned columns (std::format is not in GCC 12).
template <typename... Values>
std::string format(const char* pattern, Values... values) {
    char line[512];
    std::snprintf(line, sizeof line, pattern, values...);
    return line;
}

unsigned long long ull(std::uint64_t value) {
    return static_cast<unsigned long long>(value);
}

double mib(std::uint64_t kb) {
    return static_cast<double>(kb) / 1024.0;
}

}  // namespace

std::uint64_t SoakResult::failure_count() const {
    std::uint64_t count = 0;
    for (const auto& [kind, seen] : failures)
        count += seen.first;
    return count;
}

void SoakResult::fail(const std::string& kind, const std::string& example) {
    auto& seen = failures[kind];
    if (seen.first++ == 0) seen.second = example;
}

void print_soak(std::ostream& out, const SoakSettings& settings, const SoakResult& result) {
    out << "redis-course-soak: " << settings.host << ":" << settings.port << ", "
        << settings.connections << " connections for " << settings.duration_seconds
        << " s (warm-up " << settings.warmup_seconds << " s), churn " << settings.churn
        << " per operation, pipelines of " << settings.pipeline
        << (settings.lists ? ", with LPUSH and BLPOP" : ", strings only") << "\n\n"
        << format("  %-22s %12llu in %.1f s (%.0f/s)\n", "operations", ull(result.operations),
                  result.seconds,
                  result.seconds > 0 ? static_cast<double>(result.operations) / result.seconds : 0)
        << format("  %-22s %12llu\n", "failures", ull(result.failure_count()))
        << format("  %-22s %12llu (drops: %llu idle, %llu mid-request, %llu blocked)\n",
                  "connections opened", ull(result.connects), ull(result.drops_idle),
                  ull(result.drops_mid_request), ull(result.drops_blocked));
    if (settings.lists) {
        out << format("  %-22s %12llu values, %llu nils at their timeout\n", "BLPOP answered",
                      ull(result.blpop_values), ull(result.blpop_nils))
            << format("  %-22s %12llu pushed, %llu popped, %llu left, %llu lost\n", "list elements",
                      ull(result.pushed), ull(result.popped), ull(result.remaining),
                      ull(result.lost));
    }
    out << format("  %-22s %12lld before, %lld after\n", "connected_clients",
                  static_cast<long long>(result.clients_before),
                  static_cast<long long>(result.clients_after));
    if (settings.server_pid > 0) {
        out << format("  %-22s %9.1f MiB after warm-up, %.1f peak, %.1f at the end, %.1f idle\n",
                      "server RSS", mib(result.rss_warmup_kb), mib(result.rss_peak_kb),
                      mib(result.rss_end_kb), mib(result.rss_after_kb));
    }
    const Histogram& latency = result.latency;
    out << format("  %-22s p50 %llu, p99 %llu, p99.9 %llu, max %llu (%llu requests)\n",
                  "latency (us)", ull(latency.value_at_percentile(50)),
                  ull(latency.value_at_percentile(99)), ull(latency.value_at_percentile(99.9)),
                  ull(latency.max()), ull(latency.count()));
    for (const auto& [kind, seen] : result.failures)
        out << format("  FAILED %-15s %12llu e.g. %s\n", kind.c_str(), ull(seen.first),
                      seen.second.c_str());
}

nlohmann::json soak_json(const SoakSettings& settings, const SoakResult& result) {
    nlohmann::json failures = nlohmann::json::object();
    for (const auto& [kind, seen] : result.failures)
        failures[kind] = {{"count", seen.first}, {"example", seen.second}};
    const Histogram& latency = result.latency;
    return {
        {"host", settings.host},
        {"port", settings.port},
        {"connections", settings.connections},
        {"duration_s", settings.duration_seconds},
        {"warmup_s", settings.warmup_seconds},
        {"churn", settings.churn},
        {"pipeline", settings.pipeline},
        {"lists", settings.lists},
        {"seconds", result.seconds},
        {"operations", result.operations},
        {"failures", result.failure_count()},
        {"failure_kinds", failures},
        {"connects", result.connects},
        {"drops",
         {{"idle", result.drops_idle},
          {"mid_request", result.drops_mid_request},
          {"blocked", result.drops_blocked}}},
        {"blpop", {{"values", result.blpop_values}, {"nils", result.blpop_nils}}},
        {"elements",
         {{"pushed", result.pushed},
          {"popped", result.popped},
          {"remaining", result.remaining},
          {"lost", result.lost}}},
        {"connected_clients", {{"before", result.clients_before}, {"after", result.clients_after}}},
        {"rss_kb",
         {{"warmup", result.rss_warmup_kb},
          {"peak", result.rss_peak_kb},
          {"end", result.rss_end_kb},
          {"after", result.rss_after_kb}}},
        {"latency_us",
         {{"count", latency.count()},
          {"p50", latency.value_at_percentile(50)},
          {"p99", latency.value_at_percentile(99)},
          {"p99_9", latency.value_at_percentile(99.9)},
          {"max", latency.max()}}},
    };
}

}  // namespace bench
