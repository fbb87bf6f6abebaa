// BGSAVE without fork(): copy the keyspace under the command lock, then write the copy to the
// snapshot file from a background thread while clients go on. Introduced in lab 5; lab 7
// forks instead, as Redis does.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
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
    std::chrono::milliseconds duration{0};
};

/// One background save in flight.
///
/// Why a copy, and not fork() as Redis does: fork() in a process with threads copies only the
/// calling thread, and the child inherits every mutex in whatever state another thread left
/// it (the allocator's, the logger's, the command lock), so the child may deadlock on its
/// first malloc. POSIX allows only async-signal-safe calls in such a child. Copying costs a
/// pause proportional to the data (taken under the lock) and, for the length of the save,
/// twice the memory; fork() costs a pause proportional to the page tables and only the pages
/// written meanwhile (copy-on-write). Lab 7, with one thread, can fork safely.
class BackgroundSave {
public:
    /// Copies every live key of `keyspace` (the caller holds the command lock) and starts the
    /// thread that writes the copy to `path`. `now` is the copy's instant: the saved file is
    /// the data as of then, deadlines included.
    BackgroundSave(const store::Keyspace& keyspace, std::filesystem::path path,
                   store::TimePoint now, std::uint64_t changes);
    BackgroundSave(const BackgroundSave&) = delete;
    BackgroundSave& operator=(const BackgroundSave&) = delete;
    /// Waits for the thread.
    ~BackgroundSave() = default;

    /// True once the file is written (or the save failed). Does not wait.
    [[nodiscard]] bool done() const { return done_.load(std::memory_order_acquire); }

    /// Waits for the thread if needed and returns how the save ended.
    [[nodiscard]] BackgroundSaveResult finish();

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
