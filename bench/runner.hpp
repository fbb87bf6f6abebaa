// Running a load against a server: connections on Asio event loops, closed or open loop, and
// the numbers they collect. The one part of the load generator that knows sockets. Part of the
// benchmark harness (bench/).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "histogram.hpp"
#include "workload.hpp"

namespace bench {

/// Everything a run needs to know; main() fills it from the command line.
struct LoadSettings {
    std::string host = "127.0.0.1";
    std::uint16_t port = 6379;
    int clients = 50;  ///< connections, spread over the threads
    int pipeline = 1;  ///< closed loop: requests sent together before waiting for the replies
    int threads = 1;   ///< event loops, each on its own thread
    Mix mix;
    DataShape shape;
    /// How long the measured part lasts: a number of requests, or else a time.
    std::uint64_t requests = 100'000;
    std::optional<double> duration_seconds;
    /// Open loop: requests per second over all connections, each sent at its scheduled time.
    std::optional<double> rate;
    /// Load that runs before the measured part and is not counted.
    double warmup_seconds = 0;
    std::uint64_t seed = 1;
    bool progress = true;  ///< a line per second on stderr once a run lasts a second
};

/// What one command of the mix did.
struct CommandStats {
    std::uint64_t requests = 0;  ///< replies received, error replies included
    std::uint64_t errors = 0;    ///< of which error replies (`-ERR ...`, `-WRONGTYPE ...`)
};

/// The measured part of a run.
struct LoadResult {
    Histogram latency;  ///< µs per request: from the send (closed loop) or the intended send
                        ///< (open loop) to the whole reply
    /// Open loop only: µs from each request's due time to its write. The load generator's own
    /// delay: when it is large, the client, not the server, fell behind the schedule.
    Histogram send_lag;
    std::array<CommandStats, command_count> commands{};
    std::uint64_t requests = 0;
    std::uint64_t errors = 0;
    double seconds = 0;       ///< from the start of measuring to the last reply measured
    std::string first_error;  ///< the text of the first error reply, for the report
    /// Why a connection stopped early (closed by the server, a reply that is not RESP); empty
    /// when every connection finished its share.
    std::string failure;

    [[nodiscard]] double ops_per_second() const {
        return seconds > 0 ? static_cast<double>(requests) / seconds : 0.0;
    }
};

/// Connects every client (throwing std::runtime_error naming the address and the reason if one
/// cannot connect), then runs the load and returns what was measured.
[[nodiscard]] LoadResult run_load(const LoadSettings& settings);

}  // namespace bench
