// The state every command shares, owned by the server and passed in (no globals): options,
// database, statistics and the identity of this run. Introduced in lab 5.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "cmd/config.hpp"
#include "cmd/database.hpp"
#include "store/clock.hpp"

namespace cmd {

/// The Redis version the course implements, reported by INFO and HELLO. Clients such as
/// redis-cli and redis-py pick features by it, so it names the behaviour we copy: 7.0.15.
inline constexpr std::string_view redis_version = "7.0.15";

/// Server-wide counters for INFO stats; CONFIG RESETSTAT zeroes them.
struct Stats {
    std::uint64_t total_commands_processed = 0;
    /// The server counts connections it accepted (and refused, in rejected_connections).
    std::uint64_t total_connections_received = 0;
    std::uint64_t rejected_connections = 0;
    /// Bytes read from and written to clients, if the server counts them.
    std::uint64_t total_net_input_bytes = 0;
    std::uint64_t total_net_output_bytes = 0;
    /// Reads from and writes to client sockets (total_reads_processed and
    /// total_writes_processed): with pipelining, far fewer than commands.
    std::uint64_t total_reads_processed = 0;
    std::uint64_t total_writes_processed = 0;
    /// Lab 8: replicas served a full resync, a partial one (+CONTINUE), or refused a partial
    /// one they asked for (and given a full one instead).
    std::uint64_t sync_full = 0;
    std::uint64_t sync_partial_ok = 0;
    std::uint64_t sync_partial_err = 0;

    /// Records the command count at `now` for instantaneous_ops_per_sec. Redis samples every
    /// 100 ms from its cron; we sample whenever a command runs or INFO asks, at most every
    /// 100 ms, so a server without a cron still gets a figure.
    void sample(store::TimePoint now);
    /// The mean rate over the last 16 samples, as Redis computes it.
    [[nodiscard]] long long instantaneous_ops_per_sec() const;

    void reset();

private:
    static constexpr std::size_t sample_count = 16;
    std::array<long long, sample_count> samples_{};
    std::size_t next_sample_ = 0;
    store::TimePoint last_sample_time_{};
    std::uint64_t last_sample_count_ = 0;
};

/// Everything shared by all commands and clients. The server creates one at start-up; the
/// Dispatcher, and through it every handler, works on it.
struct ServerState {
    ServerState(const store::Clock& clock, Config options);

    const store::Clock& clock;
    Config config;
    Database db;
    Stats stats;
    /// When the server started (uptime_in_seconds).
    store::TimePoint started_at;
    /// 40 random hex characters identifying this run (run_id), and the replication ID that
    /// lab 8 hands to replicas (master_replid).
    std::string run_id;
    std::string replication_id;
    /// Lab 8: bytes of the replication stream so far (master_repl_offset).
    std::uint64_t replication_offset = 0;
    /// Lab 8: true while this server is a replica (REPLICAOF host port): clients may not
    /// write (READONLY), and keys expire only by the master's DEL.
    bool is_replica = false;
    /// The highest used_memory INFO has seen (used_memory_peak).
    std::uint64_t used_memory_peak = 0;
    /// The server's random numbers (RANDOMKEY), seeded once at start-up.
    std::mt19937_64 random{std::random_device{}()};
};

/// 40 random lowercase hex characters, like Redis's getRandomHexChars() for run ids.
[[nodiscard]] std::string random_hex_id();

}  // namespace cmd
