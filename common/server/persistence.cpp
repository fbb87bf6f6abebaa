// Loading, saving and the append-only file of the blocking server. Introduced in lab 5.
#include "server/persistence.hpp"

#include <signal.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "cmd/command.hpp"
#include "persist/file_io.hpp"
#include "persist/snapshot_format.hpp"

namespace server {

namespace {

using SteadyClock = std::chrono::steady_clock;

// Redis's shared.bgsaveerr, byte for byte.
constexpr std::string_view snapshot_misconf =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist "
    "to disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the "
    "RDB error.";

// The process id in `<prefix><pid>`, the name of persist::AtomicFile's temp file, or nothing
// when `name` is not one.
std::optional<pid_t> temp_file_owner(std::string_view name, std::string_view prefix) {
    if (!name.starts_with(prefix)) return std::nullopt;
    const std::string_view digits = name.substr(prefix.size());
    if (digits.empty() || digits.size() > 9 ||
        !std::ranges::all_of(digits, [](unsigned char c) { return std::isdigit(c) != 0; })) {
        return std::nullopt;
    }
    return static_cast<pid_t>(std::stol(std::string{digits}));
}

std::string milliseconds_since(SteadyClock::time_point start) {
    const double elapsed =
        std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
    char text[32];
    std::snprintf(text, sizeof text, "%.1f ms", elapsed);
    return text;
}

}  // namespace

Persistence::Persistence(cmd::ServerState& state, cmd::Dispatcher& dispatcher, Logger& log,
                         StartBackgroundSave start_background)
    : state_{state},
      dispatcher_{dispatcher},
      log_{log},
      start_background_{std::move(start_background)} {
    if (!start_background_) {
        start_background_ = [](const store::Keyspace& keyspace, const std::filesystem::path& path,
                               store::TimePoint now, std::uint64_t changes) {
            return std::make_unique<BackgroundSave>(keyspace, path, now, changes);
        };
    }
    status_.last_save_time = state.clock.now();  // before any save: the start time, as Redis
}

Persistence::~Persistence() {
    if (background_) (void)background_->finish();
    if (aof_) dispatcher_.remove_sink(*aof_);
}

std::filesystem::path Persistence::snapshot_path() const {
    return std::filesystem::path{state_.config.dir} / state_.config.dbfilename;
}

std::filesystem::path Persistence::aof_path() const {
    return std::filesystem::path{state_.config.dir} / state_.config.appendfilename;
}

void Persistence::load() {
    remove_stale_temp_files();
    status_.loading = true;
    if (state_.config.appendonly) {
        load_aof();
    } else {
        load_snapshot();
    }
    // What was loaded is on disk already: nothing to save yet.
    state_.db.mark_saved(state_.db.changes());
    status_.loading = false;
    if (state_.config.appendonly) open_aof();
}

void Persistence::remove_stale_temp_files() {
    // A save killed with its process (kill -9, the OOM killer, a power cut) leaves its
    // `<file>.tmp.<pid>` behind (persist::AtomicFile), as big as a snapshot: on a disk that
    // filled up, that is space the next save needs. Only names of ours whose process is gone
    // are removed: lab 7's forked child outlives a killed parent and may still be writing.
    const std::string prefixes[] = {snapshot_path().filename().string() + ".tmp.",
                                    aof_path().filename().string() + ".tmp."};
    // A directory that cannot be listed is reported by the load that follows.
    std::error_code unreadable;
    for (const auto& entry : std::filesystem::directory_iterator{
             persist::parent_directory(snapshot_path()), unreadable}) {
        const std::string name = entry.path().filename().string();
        for (const std::string& prefix : prefixes) {
            const auto pid = temp_file_owner(name, prefix);
            if (!pid || ::kill(*pid, 0) == 0 || errno == EPERM) continue;  // not ours, or alive
            std::error_code ignored;  // gone already: nothing to do
            if (std::filesystem::remove(entry.path(), ignored)) {
                log_.notice("removed " + entry.path().string() + ", left by a save whose process " +
                            std::to_string(*pid) + " is gone");
            }
        }
    }
}

void Persistence::load_snapshot() {
    const auto start = SteadyClock::now();
    const auto path = snapshot_path();
    const auto stats = persist::load_any(path, state_.db.keyspace(), state_.clock.now());
    if (!stats.file_found) {
        log_.notice("no snapshot at " + path.string() + ": starting with an empty dataset");
        return;
    }
    log_.notice("DB loaded from " + path.string() + ": " + std::to_string(stats.keys) + " keys (" +
                std::to_string(stats.expired_dropped) + " expired keys dropped) in " +
                milliseconds_since(start));
}

void Persistence::load_aof() {
    const auto start = SteadyClock::now();
    const auto path = aof_path();
    // The fake client of Redis's AOF loading: no authentication, nothing propagated.
    cmd::Session replay;
    replay.kind = cmd::ClientKind::replay;
    replay.authenticated = true;
    std::string reply;
    const auto stats = persist::replay_aof(path, [&](std::span<const std::string_view> argv) {
        reply.clear();
        (void)dispatcher_.execute(replay, argv, reply);
        // A logged command that fails now (unknown, wrong arguments) means the file is not
        // what this server wrote: refuse it, as Redis refuses an unknown command in its AOF.
        if (!reply.empty() && reply.front() == '-') {
            const auto end = reply.find('\r');
            throw persist::PersistError{"command '" + std::string{argv[0]} +
                                        "' failed: " + reply.substr(1, end - 1)};
        }
    });
    if (!stats.warning.empty()) log_.warning(stats.warning);
    if (!stats.file_found) {
        log_.notice("no append-only file at " + path.string() + ": starting with an empty dataset");
        return;
    }
    log_.notice("DB loaded from append-only file " + path.string() + ": " +
                std::to_string(stats.commands) + " commands, " +
                std::to_string(state_.db.keyspace().size()) + " keys in " +
                milliseconds_since(start));
}

void Persistence::open_aof() {
    aof_ = std::make_unique<AofSink>(aof_path(), state_.config.appendfsync, log_);
    dispatcher_.add_sink(*aof_);
}

void Persistence::close_aof() {
    if (!aof_) return;
    dispatcher_.remove_sink(*aof_);
    try {
        aof_->close();
    } catch (const persist::PersistError& failure) {
        log_.warning(std::string{"closing the append-only file: "} + failure.what());
    }
    aof_.reset();
}

void Persistence::collect(bool wait) const {
    if (!background_ || (!wait && !background_->done())) return;
    const BackgroundSaveResult result = background_->finish();
    background_.reset();
    status_.background_save_in_progress = false;
    if (result.abandoned) {
        log_.notice("background saving stopped: the final save replaces it");
        return;
    }
    status_.last_background_save_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(result.duration).count();
    status_.last_save_ok = result.ok;
    if (!result.ok) {
        log_.warning("background saving error: " + result.error);
        return;
    }
    state_.db.mark_saved(result.changes_at_start);
    status_.last_save_time = result.finished_at;
    log_.notice("background saving terminated with success: " + std::to_string(result.stats.keys) +
                " keys in " + std::to_string(result.duration.count()) + " ms");
}

bool Persistence::save_now() {
    const auto start = SteadyClock::now();
    const std::uint64_t changes = state_.db.changes();
    const auto path = snapshot_path();
    try {
        const auto stats = persist::save_any(state_.db.keyspace(), path, state_.db.now());
        log_.notice("DB saved on disk: " + std::to_string(stats.keys) + " keys to " +
                    path.string() + " in " + milliseconds_since(start));
    } catch (const persist::PersistError& failure) {
        // The status that stops writes (Redis's lastbgsave_status) is left as it was: SAVE's
        // caller hears the error itself, and Redis's rdbSave() does not set it either. Only a
        // background save, whose failure nobody hears, stops writes with MISCONF.
        log_.warning(std::string{"error saving the DB on disk: "} + failure.what());
        return false;
    }
    state_.db.mark_saved(changes);
    status_.last_save_ok = true;
    status_.last_save_time = state_.clock.now();
    return true;
}

bool Persistence::save() {
    // SAVE itself refuses to run during a BGSAVE; FLUSHALL saves the empty dataset, which
    // makes the background save pointless: stop it (lab 7 kills the child, as Redis's
    // FLUSHALL does) or wait for it (lab 5's thread).
    if (background_) background_->abandon();
    collect(true);
    return save_now();
}

cmd::BackgroundSaveStart Persistence::background_save() {
    collect(false);
    if (background_) return cmd::BackgroundSaveStart::in_progress;
    last_background_try_ = state_.clock.now();
    try {
        background_ = start_background_(state_.db.keyspace(), snapshot_path(), state_.db.now(),
                                        state_.db.changes());
    } catch (const std::exception& failure) {  // no memory for the copy, no thread, no fork
        log_.warning(std::string{"cannot start a background save: "} + failure.what());
        status_.last_save_ok = false;
        return cmd::BackgroundSaveStart::failed;
    }
    status_.background_save_in_progress = true;
    log_.notice("background saving started: " + background_->started_message());
    return cmd::BackgroundSaveStart::started;
}

cmd::PersistenceStatus Persistence::status() const {
    collect(false);
    cmd::PersistenceStatus status = status_;
    status.aof_enabled = aof_ != nullptr;
    status.aof_last_write_ok = !aof_ || aof_->last_write_ok();
    return status;
}

void Persistence::cron(store::TimePoint now) {
    // Commands a full disk refused are written as soon as it takes them (Redis retries its
    // aof_buf from serverCron too); then writes are accepted again.
    if (aof_) (void)aof_->retry();
    collect(false);
    if (background_) return;
    const std::uint64_t changes = state_.db.changes_since_save();
    for (const cmd::SavePoint& point : state_.config.save) {
        // The same test as Redis's serverCron, strict inequalities included.
        if (changes >= point.changes && now - status_.last_save_time > point.after &&
            (status_.last_save_ok || now - last_background_try_ > background_save_retry_delay)) {
            log_.notice(std::to_string(changes) + " changes in " +
                        std::to_string(point.after.count()) + " seconds. Saving...");
            (void)background_save();
            return;
        }
    }
}

bool Persistence::shutdown(cmd::ShutdownMode mode) {
    // Acknowledged writes still owed to the append-only file would be lost by exiting: stay up,
    // as after a failed final save, until the disk takes them.
    if (aof_ && !aof_->retry()) {
        log_.warning(std::to_string(aof_->owed()) +
                     " acknowledged commands are not in the append-only file yet (" +
                     aof_->last_error() + "): can't exit");
        return false;
    }
    if (background_) background_->abandon();
    collect(true);
    const bool wanted = mode == cmd::ShutdownMode::save ||
                        (mode == cmd::ShutdownMode::default_mode && !state_.config.save.empty());
    if (wanted) {
        log_.notice("saving the final snapshot before exiting");
        if (!save_now()) {
            log_.warning("error trying to save the DB, can't exit");
            return false;
        }
    }
    close_aof();
    return true;
}

std::optional<std::string> Persistence::disk_error() const {
    if (!state_.config.save.empty() && !status_.last_save_ok) return std::string{snapshot_misconf};
    if (aof_ && !aof_->last_write_ok()) {
        return "MISCONF Errors writing to the AOF file: " + aof_->last_error();
    }
    return std::nullopt;
}

std::optional<std::string> Persistence::write_refusal(
    std::span<const std::string_view> argv) const {
    auto refusal = disk_error();
    if (!refusal || argv.empty()) return std::nullopt;
    const cmd::Command* command = dispatcher_.table().find(argv[0]);
    if (command == nullptr || command->is_container() || !command->accepts(argv.size())) {
        return std::nullopt;
    }
    if (!command->flags.has(cmd::Flag::write) && command->name != "ping") return std::nullopt;
    return refusal;
}

void Persistence::dataset_replaced() {
    if (!aof_) return;
    try {
        aof_->rewrite(state_.db.keyspace());
    } catch (const persist::PersistError& failure) {
        // The file keeps the old data plus what follows: a restart from it would load a mix.
        // Logged loudly; the next successful SAVE and restart, or a resync, repairs it.
        log_.warning(std::string{"rewriting the append-only file after a full sync: "} +
                     failure.what());
    }
}

std::optional<std::string> Persistence::option_changed(std::string_view option) {
    try {
        if (cmd::equals_ignoring_case(option, "appendonly")) {
            if (state_.config.appendonly && !aof_) {
                open_aof();
                aof_->rewrite(state_.db.keyspace());
                log_.notice("append-only file enabled: rewritten from the current data to " +
                            aof_path().string());
            } else if (!state_.config.appendonly && aof_) {
                close_aof();
                log_.notice("append-only file disabled");
            }
        } else if (cmd::equals_ignoring_case(option, "appendfsync") && aof_ &&
                   aof_->policy() != state_.config.appendfsync) {
            // The new file is opened before the old one is closed: if it cannot be opened,
            // the old policy stays in force and nothing is lost.
            auto reopened = std::make_unique<AofSink>(aof_path(), state_.config.appendfsync, log_);
            reopened->adopt_owed(*aof_);
            close_aof();
            aof_ = std::move(reopened);
            dispatcher_.add_sink(*aof_);
        }
    } catch (const persist::PersistError& failure) {
        if (cmd::equals_ignoring_case(option, "appendonly")) close_aof();
        return failure.what();
    }
    return std::nullopt;
}

}  // namespace server
