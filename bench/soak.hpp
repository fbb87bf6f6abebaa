// The soak: many connections for a bounded time, mixing reads, writes, pipelines and blocking
// pops while clients drop abruptly and come back; every reply is checked against what the client
// expects, and the server's resident memory is sampled. Part of the benchmark harness (bench/),
// written for docs/reliability.md.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <ostream>
#include <string>

#include "histogram.hpp"

namespace bench {

/// Everything a soak needs to know; soak_main.cpp fills it from the command line.
struct SoakSettings {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    int connections = 1000;
    double duration_seconds = 60;  ///< the whole load, warm-up included
    double warmup_seconds = 5;     ///< latency is recorded, and RSS compared, from here on
    int server_pid = 0;            ///< whose /proc/<pid>/status VmRSS to sample; 0: none
    bool lists = true;             ///< LPUSH and BLPOP in the mix (lab 5 has strings only)
    double churn = 0.002;          ///< chance per operation that a client drops and reconnects
    int pipeline = 16;             ///< requests in a pipelined batch
    double stall_seconds = 10;     ///< a reply this late (beyond a BLPOP's timeout) is an error
    std::uint64_t seed = 1;
    bool progress = true;  ///< a line per second on stderr
};

/// What a soak saw.
struct SoakResult {
    double seconds = 0;
    std::uint64_t operations = 0;  ///< replies received and checked, warm-up included
    Histogram latency;             ///< µs per request after the warm-up, BLPOP excluded
    /// Failures by kind ("error reply", "wrong value", "unanswered", ...), with the count and
    /// the first example of each. Empty when the run was clean.
    std::map<std::string, std::pair<std::uint64_t, std::string>> failures;

    std::uint64_t connects = 0;  ///< connections opened, the first ones included
    std::uint64_t drops_idle = 0;
    std::uint64_t drops_mid_request = 0;  ///< closed with requests sent, half a request last
    std::uint64_t drops_blocked = 0;      ///< closed while parked in BLPOP

    std::uint64_t blpop_values = 0;  ///< BLPOPs answered with an element
    std::uint64_t blpop_nils = 0;    ///< BLPOPs answered with nil at their timeout
    /// List elements: pushed (acknowledged), popped by BLPOP, left in the lists at the end, and
    /// lost: acknowledged, never popped by a client that read the reply, and not in the lists.
    std::uint64_t pushed = 0;
    std::uint64_t popped = 0;
    std::uint64_t remaining = 0;
    std::uint64_t lost = 0;

    /// The server's resident memory in KiB: after the warm-up, the highest, at the end of the
    /// load, and once every client has left. 0 without --pid.
    std::uint64_t rss_warmup_kb = 0;
    std::uint64_t rss_peak_kb = 0;
    std::uint64_t rss_end_kb = 0;
    std::uint64_t rss_after_kb = 0;

    /// INFO clients' connected_clients before the load and once the soak's clients left (the
    /// soak's own control connection is open both times).
    std::int64_t clients_before = -1;
    std::int64_t clients_after = -1;

    [[nodiscard]] std::uint64_t failure_count() const;
    void fail(const std::string& kind, const std::string& example);
};

/// Runs the soak. Throws std::runtime_error if the server cannot be reached at all.
[[nodiscard]] SoakResult run_soak(const SoakSettings& settings);

/// The result for people: a few aligned lines.
void print_soak(std::ostream& out, const SoakSettings& settings, const SoakResult& result);

/// Every number of the run in one object, latency in µs under `latency_us`.
[[nodiscard]] nlohmann::json soak_json(const SoakSettings& settings, const SoakResult& result);

}  // namespace bench
