// The interface the command layer uses to reach the server around it: snapshots, shutdown,
// the list of clients, persistence status. Implemented by lab 5's blocking server and lab 7's
// event loop; introduced in lab 5.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "cmd/session.hpp"
#include "store/clock.hpp"

namespace cmd {

class Replication;

/// SHUTDOWN's options.
enum class ShutdownMode {
    default_mode,  ///< save if save points are configured (Redis's default), else do not
    save,          ///< SHUTDOWN SAVE: save even without save points
    nosave,        ///< SHUTDOWN NOSAVE: do not save
};

/// How a BGSAVE request ended.
enum class BackgroundSaveStart {
    started,      ///< `+Background saving started`
    in_progress,  ///< another background save runs: `-ERR Background save already in progress`
    failed,       ///< could not start: `-ERR`
};

/// What INFO persistence reports; the server keeps it.
struct PersistenceStatus {
    bool loading = false;
    bool background_save_in_progress = false;
    /// Result of the last SAVE or BGSAVE (rdb_last_bgsave_status: ok / err).
    bool last_save_ok = true;
    /// When the last successful save finished (LASTSAVE, rdb_last_save_time); the start time
    /// of the server before any save, as Redis does.
    store::TimePoint last_save_time{};
    /// Seconds the last background save took, -1 before the first (rdb_last_bgsave_time_sec).
    long long last_background_save_seconds = -1;
    bool aof_enabled = false;
    bool aof_rewrite_in_progress = false;
    /// aof_last_write_status: ok / err.
    bool aof_last_write_ok = true;
};

/// Facts about the process that INFO server shows and only the server knows.
struct ServerIdentity {
    /// The port really bound (the configured one, or what port 0 gave).
    int tcp_port = 0;
    /// I/O model for multiplexing_api: "threads" (lab 5), "epoll" (lab 7, through Asio).
    std::string multiplexing_api = "threads";
    std::string executable;
    std::string config_file;
};

/// Implemented by the server; every call is made with the command lock held, on the thread
/// running the command. The command layer never touches sockets, threads or files itself.
class ServerControl {
public:
    virtual ~ServerControl() = default;

    /// SAVE: writes the snapshot now, synchronously; true on success. The server resets
    /// Database::changes_since_save() and records last_save_time on success.
    [[nodiscard]] virtual bool save() = 0;
    /// BGSAVE: starts a snapshot that completes later (or completes it at once: a server
    /// without background saves may save synchronously and report `started`).
    [[nodiscard]] virtual BackgroundSaveStart background_save() = 0;
    [[nodiscard]] virtual PersistenceStatus persistence() const = 0;

    /// SHUTDOWN: saves as `mode` asks and, when that worked, makes the server stop after this
    /// command (the client gets no reply: its connection closes). False when the save failed:
    /// the server keeps running and the client gets `ERR Errors trying to SHUTDOWN`.
    [[nodiscard]] virtual bool request_shutdown(ShutdownMode mode) = 0;

    /// Calls `visit` for every connected client, including the one running the command.
    virtual void for_each_client(const std::function<void(const Session&)>& visit) const = 0;
    [[nodiscard]] virtual std::size_t client_count() const = 0;
    /// CLIENT KILL ID: marks the client to be closed; false when there is no such client.
    virtual bool kill_client(std::uint64_t id) = 0;

    [[nodiscard]] virtual ServerIdentity identity() const = 0;

    /// Called after CONFIG SET changed `option` (before the reply), so the server can act on
    /// it (appendonly, appendfsync, maxclients). An error text makes CONFIG SET restore the old
    /// value and fail with `ERR CONFIG SET failed (possibly related to argument '...') - text`.
    [[nodiscard]] virtual std::optional<std::string> config_changed(std::string_view option) {
        (void)option;
        return std::nullopt;
    }

    /// Lab 8: the replication layer (REPLICAOF, ROLE, WAIT, PSYNC, INFO replication); null in
    /// the servers of labs 5 to 7, which do not replicate.
    [[nodiscard]] virtual Replication* replication() { return nullptr; }
};

}  // namespace cmd
