// Persistence of the blocking server: loading at start-up, SAVE, BGSAVE, save points, the
// append-only file as a propagation sink, the final save at shutdown, and the MISCONF refusal
// after a failed write to disk. Introduced in lab 5.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cmd/dispatcher.hpp"
#include "cmd/server_control.hpp"
#include "cmd/server_state.hpp"
#include "server/aof_sink.hpp"
#include "server/background_save.hpp"
#include "server/log.hpp"

namespace server {

/// Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed background save, a save point tries
/// again only this much later, so a full disk is not hammered ten times a second.
inline constexpr std::chrono::seconds background_save_retry_delay{5};

/// Everything between the data and the disk, driven by the server.
///
/// Every member function is called with the command lock held (lab 5; or before any client
/// thread exists), or on the loop's one thread (lab 7): it works on the shared Database and on
/// files, never on sockets.
class Persistence {
public:
    /// `state` holds the options (dir, dbfilename, save, appendonly...) and the database;
    /// `dispatcher` replays the append-only file and feeds the AofSink. `start_background`
    /// starts a BGSAVE: by default lab 5's copy and thread; lab 7 passes a fork.
    Persistence(cmd::ServerState& state, cmd::Dispatcher& dispatcher, Logger& log,
                StartBackgroundSave start_background = {});
    Persistence(const Persistence&) = delete;
    Persistence& operator=(const Persistence&) = delete;
    ~Persistence();

    /// Start-up: replays the append-only file when appendonly is on (it wins over the
    /// snapshot, as in Redis: it holds the latest writes), else loads the snapshot; then opens
    /// the append-only file for new writes. Throws persist::PersistError naming the file and
    /// what is wrong with it: the server must not start on data it could not read.
    void load();

    /// SAVE (and FLUSHALL with save points): writes the snapshot now. A background save in
    /// flight is stopped first (lab 7's child) or waited for (lab 5's thread): the file it
    /// would write is older than this one. False, with the error logged, when it failed.
    [[nodiscard]] bool save();
    /// BGSAVE: starts a background save (lab 5: copies the data and saves the copy from a
    /// thread; lab 7: forks).
    [[nodiscard]] cmd::BackgroundSaveStart background_save();

    /// INFO persistence, LASTSAVE. Collects a finished background save first.
    [[nodiscard]] cmd::PersistenceStatus status() const;

    /// The cron's part (Redis's serverCron): retries the commands a failed append left owed to
    /// the append-only file, collects a finished background save and starts one when a save
    /// point is reached (`save 60 1000`: 1000 changes in 60 seconds).
    void cron(store::TimePoint now);

    /// The final save of SHUTDOWN, SIGTERM and SIGINT: stops a background save (lab 7) or waits
    /// for it (lab 5), saves if
    /// `mode` asks for it (by default: when save points are configured), and closes the
    /// append-only file with a last fsync. False when the save failed, or when the append-only
    /// file still owes acknowledged commands that the disk refuses: the server goes on.
    [[nodiscard]] bool shutdown(cmd::ShutdownMode mode);

    /// The MISCONF error text while writes must be refused: the last background save failed
    /// and save points are configured (Redis's stop-writes-on-bgsave-error), or the
    /// append-only file owes commands a failed append left. Nothing when writes are fine. A
    /// failed SAVE does not count, as in Redis: its caller got -ERR.
    [[nodiscard]] std::optional<std::string> disk_error() const;

    /// The MISCONF error for `argv` while disk_error() holds, as Redis's processCommand()
    /// decides: unknown commands, wrong arity and missing AUTH are the dispatcher's to answer
    /// first; then write commands (and PING) are refused. Nothing when `argv` may run.
    [[nodiscard]] std::optional<std::string> write_refusal(
        std::span<const std::string_view> argv) const;

    /// After CONFIG SET: turns the append-only file on (rewriting it from the current data,
    /// as Redis does) or off, or reopens it with a new appendfsync policy. An error text when
    /// that failed.
    [[nodiscard]] std::optional<std::string> option_changed(std::string_view option);

    /// Lab 8: a replica replaced its whole dataset with its master's. The append-only file, if
    /// on, is rewritten from the new data (Redis restarts its AOF after a full sync); what it
    /// held before describes data that is gone.
    void dataset_replaced();

    [[nodiscard]] std::filesystem::path snapshot_path() const;
    [[nodiscard]] std::filesystem::path aof_path() const;

private:
    void load_aof();
    void load_snapshot();
    void remove_stale_temp_files();
    void open_aof();
    void close_aof();
    bool save_now();
    // Folds a finished background save into the status; `wait` waits for one in flight.
    void collect(bool wait) const;

    cmd::ServerState& state_;
    cmd::Dispatcher& dispatcher_;
    Logger& log_;
    std::unique_ptr<AofSink> aof_;
    // Collecting a finished background save changes only bookkeeping, and happens on the
    // first look after it finished, including a const look (status()): hence mutable.
    StartBackgroundSave start_background_;
    mutable std::unique_ptr<BackgroundSaveJob> background_;
    mutable cmd::PersistenceStatus status_;
    mutable store::TimePoint last_background_try_{};
};

}  // namespace server
