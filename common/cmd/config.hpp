// The server's options, declared once: each with redis-server's name, default, parser and
// printer, so the command line (`--port 6380`) and CONFIG GET/SET read the same declaration
// and can never disagree. Introduced in lab 5.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "persist/aof.hpp"

namespace CLI {
class App;
}

namespace cmd {

/// One save point of the `save` option: snapshot when at least `changes` writes happened in
/// the last `after` (Redis's `save 300 100`).
struct SavePoint {
    std::chrono::seconds after{0};
    std::uint64_t changes = 0;
    friend bool operator==(const SavePoint&, const SavePoint&) = default;
};

/// When CONFIG SET may change an option (Redis's config flags).
enum class Mutability {
    modifiable,  ///< CONFIG SET changes it at run time
    immutable,   ///< only at start-up: `can't set immutable config`
    protected_,  ///< a path an attacker could abuse (dir, dbfilename): `can't set protected config`
};

/// Every server option, as typed values. Defaults are redis-server 7's, except where the
/// course differs on purpose (bind, dbfilename, databases), noted on each field.
///
/// The options are declared once, in config.cpp's table (name, help, mutability, parse,
/// print); add_to() and set()/get() both go through it. A new option is one new row there plus
/// its field here.
class Config {
public:
    int port = 6379;
    /// Redis binds `* -::*` (every interface); the course listens on loopback by default.
    std::string bind = "127.0.0.1";
    /// With no password set, only loopback clients are served: any other gets Redis's
    /// `-DENIED` explanation and is closed (protected_mode_refuses(), cmd/security.hpp).
    bool protected_mode = true;
    /// Where snapshots and the append-only file live. Redis chdir()s there; we keep it as a
    /// path instead (no process-wide state), and CONFIG GET shows it made absolute, as Redis.
    std::string dir = ".";
    /// The snapshot file: Redis's RDB format, or lab 4's JSON for a name ending in `.json`,
    /// which stays the default so that the course's files can be read with any editor.
    std::string dbfilename = "dump.json";
    /// `save ""` (or `--save ""`) disables snapshots, like Redis.
    std::vector<SavePoint> save = {{std::chrono::seconds{3600}, 1},
                                   {std::chrono::seconds{300}, 100},
                                   {std::chrono::seconds{60}, 10000}};
    bool appendonly = false;
    std::string appendfilename = "appendonly.aof";
    persist::FsyncPolicy appendfsync = persist::FsyncPolicy::everysec;
    int maxclients = 10000;
    /// Empty = no password: clients need no AUTH.
    std::string requirepass;
    /// Redis has 16; the course keeps one keyspace, so SELECT accepts 0 only.
    int databases = 1;
    /// Server cron frequency (active expiry, save points), per second.
    int hz = 10;
    /// Stored and reported (INFO memory, CONFIG GET); eviction is not implemented.
    std::uint64_t maxmemory = 0;
    /// Largest string a command may build (SETRANGE, APPEND): Redis's 512 MB.
    std::uint64_t proto_max_bulk_len = 512ULL * 1024 * 1024;

    // --- Lab 8: replication ---
    /// `host port` of the master to replicate from; empty for a master. Set at start-up
    /// (`--replicaof "host port"`), changed at run time by REPLICAOF.
    std::string replicaof;
    /// The password to send to the master (AUTH) before the replication handshake.
    std::string masterauth;
    /// Bytes of the replication stream kept for partial resynchronisation.
    std::uint64_t repl_backlog_size = 1024 * 1024;
    /// Seconds without news from the other end before a replication link is dropped.
    int repl_timeout = 60;
    /// Seconds between the PINGs a master sends its replicas.
    int repl_ping_replica_period = 10;

    /// Registers every option on `app` as `--<name>`, with the default shown in --help. A value
    /// is parsed by the same code as CONFIG SET; a bad one makes CLI11 fail with the reason.
    void add_to(CLI::App& app);

    /// CONFIG GET: (name, value) of every option whose name matches the glob `pattern`
    /// (case-insensitive), in declaration order.
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> get(
        std::string_view pattern) const;
    /// The value of one option as CONFIG GET prints it, or nothing for an unknown name.
    [[nodiscard]] std::optional<std::string> get_one(std::string_view name) const;

    /// Whether `name` (any case) is an option, and when it may change.
    [[nodiscard]] std::optional<Mutability> mutability(std::string_view name) const;

    /// Parses `value` into option `name` (any case), ignoring mutability (that is CONFIG SET's
    /// check, not a start-up one). Returns the reason when the name is unknown or the value
    /// invalid, leaving the option unchanged.
    [[nodiscard]] std::optional<std::string> set(std::string_view name, std::string_view value);

    /// Every option name, in declaration order.
    [[nodiscard]] static std::vector<std::string_view> names();
};

/// `3600 1 300 100` → save points; empty text → none. Nothing when malformed.
[[nodiscard]] std::optional<std::vector<SavePoint>> parse_save_points(std::string_view text);
/// Save points as Redis prints them: `3600 1 300 100`.
[[nodiscard]] std::string format_save_points(const std::vector<SavePoint>& points);
/// Redis's memtoull(): `100`, `1k` (1000), `1kb` (1024), `5mb`, `2gb`; nothing when invalid.
[[nodiscard]] std::optional<std::uint64_t> parse_memory(std::string_view text);

}  // namespace cmd
