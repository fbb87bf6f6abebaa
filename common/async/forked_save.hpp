// BGSAVE the way Redis does it: fork(), and let the child write the snapshot from its
// copy-on-write view of memory while the parent goes on serving. Introduced in lab 7.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "server/background_save.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace async {

/// A background save in a child process.
///
/// fork() gives the child a copy of the parent's memory that costs nothing up front: both
/// processes share every page, read-only, and the kernel copies a page only when one of them
/// writes to it (copy-on-write). The child sees the keyspace frozen at the instant of the
/// fork, writes it to the snapshot file and exits with its status; the parent keeps serving,
/// paying only for copying the page tables (milliseconds for a few hundred MiB; INFO's
/// latest_fork_usec in Redis) and for the pages its writes touch.
///
/// Safe here because lab 7 runs every command on one thread: no other thread can hold the
/// keyspace half-changed, and the child calls only the snapshot writer. The child first closes
/// every descriptor it inherited (the listening socket, the clients, the loop's epoll) and
/// restores the default action of SIGINT and SIGTERM, so a signal sent to it does not reach
/// the parent's loop through Asio's signal pipe. (The append-only
/// file's fsync thread does not exist in the child: fork() copies the calling thread only.
/// glibc's fork() takes malloc's locks around the fork, so the child may allocate.)
class ForkedSave final : public server::BackgroundSaveJob {
public:
    /// Forks; the child saves `keyspace` as of `now` to `path` and exits. Throws
    /// std::system_error when the pipe or fork() fails (no memory for the page tables, or the
    /// process limit).
    ForkedSave(const store::Keyspace& keyspace, const std::filesystem::path& path,
               store::TimePoint now, std::uint64_t changes);
    ForkedSave(const ForkedSave&) = delete;
    ForkedSave& operator=(const ForkedSave&) = delete;
    /// Waits for the child if it still runs (never leaves a zombie).
    ~ForkedSave() override;

    /// waitpid(WNOHANG): true once the child has exited.
    [[nodiscard]] bool done() override;
    /// Waits for the child and reads its report (the error text, or the keys written).
    [[nodiscard]] server::BackgroundSaveResult finish() override;
    [[nodiscard]] std::string started_message() const override;
    /// Kills the child (SIGUSR1, as Redis's killRDBChild()) and removes its temp file.
    void abandon() override;

    /// The child's process id (INFO would show it; tests use it).
    [[nodiscard]] pid_t child() const { return child_; }

private:
    void reap(int status);
    // The file the child writes before renaming it: persist::AtomicFile's `<target>.tmp.<pid>`.
    [[nodiscard]] std::filesystem::path temp_path() const;

    std::filesystem::path path_;
    pid_t child_ = -1;
    int report_ = -1;  // read end of the pipe the child writes its report to
    bool exited_ = false;
    bool abandoned_ = false;
    std::chrono::steady_clock::time_point started_;
    std::chrono::microseconds fork_time_{0};
    server::BackgroundSaveResult result_;
};

/// A server::StartBackgroundSave that forks: what lab 7 hands to server::Persistence.
[[nodiscard]] std::unique_ptr<server::BackgroundSaveJob> start_forked_save(
    const store::Keyspace& keyspace, const std::filesystem::path& path, store::TimePoint now,
    std::uint64_t changes);

}  // namespace async
