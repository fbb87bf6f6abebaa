// BGSAVE without fork(): copy the keyspace under the command lock, then write the copy to the
// snapshot file from a background thread while clients go on. Introduced in lab 5; lab 7
// forks instead, as Redis does.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "persist/snapshot.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace server {

/// How a background save ended, collected by the thread that holds the command lock.
struct BackgroundSaveResult {
    bool ok = false;
    std::string error;  ///< the PersistError message when not ok
    persist::SnapshotSaveStats stats;
    /// The value of Database::changes() when the copy was taken: what the file contains.
    std::uint64_t changes_at_start = 0;
    store::TimePoint finished_at{};
    /// Stopped by abandon() before it finished: neither a success nor a failure.
    bool abandoned = false;
    std::chrono::milliseconds duration{0};
};

/// One background save in flight, however it was started: lab 5 copies the data and writes the
/// copy from a thread (BackgroundSave), lab 7 forks (async::ForkedSave). Persistence polls
/// done() from the cron and collects the result with finish().
class BackgroundSaveJob {
public:
    virtual ~BackgroundSaveJob() = default;
    /// True once the file is written (or the save failed). Does not wait.
    [[nodiscard]] virtual bool done() = 0;
    /// Waits for the save if needed and returns how it ended. Called once.
    [[nodiscard]] virtual BackgroundSaveResult finish() = 0;
    /// What the log says when the save has started: how long the data was held up.
    [[nodiscard]] virtual std::string started_message() const = 0;
    /// Shutdown is about to save anyway: stop this save if it can be stopped (lab 7 kills its
    /// child, as Redis's killRDBChild() does; lab 5's thread cannot be stopped and finishes).
    /// finish() then reports `abandoned`.
    virtual void abandon() {}
};

/// Starts a background save of `keyspace` (as of `now`) to `path`; `changes` is
/// Database::changes() at that instant. Throws std::exception when it cannot start.
using StartBackgroundSave = std::function<std::unique_ptr<BackgroundSaveJob>(
    const store::Keyspace& keyspace, const std::filesystem::path& path, store::TimePoint now,
    std::uint64_t changes)>;

/// Lab 5's way: a copy under the lock, written by a thread.
///
/// Why a copy, and not fork() as Redis does: fork() in a process with threads copies only the
/// calling thread, and the child inherits every mutex in whatever state another thread left
/// it (the allocator's, the logger's, the command lock), so the child may deadlock on its
/// first malloc. POSIX allows only async-signal-safe calls in such a child. Copying costs a
/// pause proportional to the data (taken under the lock) and, for the length of the save,
/// twice the memory; fork() costs a pause proportional to the page tables and only the pages
/// written meanwhile (copy-on-write). Lab 7, with one thread, can fork safely.
class BackgroundSave final : public BackgroundSaveJob {
public:
    /// Copies every live key of `keyspace` (the caller holds the command lock) and starts the
    /// thread that writes the copy to `path`. `now` is the copy's instant: the saved file is
    /// the data as of then, deadlines included.
    BackgroundSave(const store::Keyspace& keyspace, std::filesystem::path path,
                   store::TimePoint now, std::uint64_t changes);
    BackgroundSave(const BackgroundSave&) = delete;
    BackgroundSave& operator=(const BackgroundSave&) = delete;
    /// Waits for the thread.
    ~BackgroundSave() override = default;

    [[nodiscard]] bool done() override { return done_.load(std::memory_order_acquire); }
    [[nodiscard]] BackgroundSaveResult finish() override;
    [[nodiscard]] std::string started_message() const override;

    /// Keys copied, and how long the copy held the lock: the price of not forking.
    [[nodiscard]] std::size_t keys_copied() const { return keys_copied_; }
    [[nodiscard]] std::chrono::microseconds copy_time() const { return copy_time_; }

private:
    void run(std::filesystem::path path);

    // The copy reads time from its own clock, stopped at the copy's instant. It must not share
    // the server's clock: the command clock is frozen and unfrozen by other threads.
    store::ManualClock clock_;
    store::Keyspace copy_;
    BackgroundSaveResult result_;  // written by the thread, read after join
    std::size_t keys_copied_ = 0;
    std::chrono::microseconds copy_time_{0};
    std::atomic<bool> done_{false};
    std::jthread thread_;  // last: joined before the members it uses are destroyed
};

}  // namespace server
