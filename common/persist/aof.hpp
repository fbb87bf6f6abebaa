// The append-only file: every write command appended as RESP, made durable by an fsync policy,
// replayed at start-up (cutting off a torn last command), and compacted from the live keyspace.
// Introduced in lab 4.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include "net/socket.hpp"
#include "store/keyspace.hpp"

namespace persist {

/// When appended commands are forced to the disk: Redis's `appendfsync` setting. Every policy
/// write()s each command before append() returns, so a crash of the *process* loses nothing;
/// the policies differ in what a crash of the *machine* (power cut, kernel panic) can lose.
enum class FsyncPolicy {
    always,    ///< fdatasync after every command, before it is acknowledged: loses nothing
    everysec,  ///< a background thread fsyncs at most once a second: loses about a second
    no,        ///< never fsync; the kernel writes back when it likes (Linux: within ~30 s)
};

/// "always", "everysec" or "no".
[[nodiscard]] std::string_view to_string(FsyncPolicy policy);
/// The policy named `name` (as redis.conf spells it), or nothing.
[[nodiscard]] std::optional<FsyncPolicy> parse_fsync_policy(std::string_view name);

/// What to do when the file ends inside a command: Redis's `aof-load-truncated`.
enum class TornTail {
    truncate,  ///< `yes` (the default): drop the torn command, cut the file there, warn
    refuse,    ///< `no`: refuse to load, like corruption in the middle
};

/// What a replay found.
struct ReplayStats {
    bool file_found = false;  ///< false: no file, nothing replayed (not an error)
    std::size_t commands = 0;
    std::size_t file_bytes = 0;  ///< size of the file as found, before any truncation
    /// Where a torn last command started, when one was cut off: the file now ends there.
    std::optional<std::size_t> truncated_at;
    /// For the log, when a torn tail was cut off: names the file, the offset and the bytes.
    std::string warning;
};

/// Receives each command's arguments, in file order. The views are valid during the call only.
/// Throwing stops the replay; the exception's message is reported with the file and offset.
using CommandHandler = std::function<void(std::span<const std::string_view> argv)>;

/// Replays the append-only file at `path`, read into memory whole. The file is checked first,
/// so one with corruption in the middle (a RESP protocol error, or a byte other than `*` where a
/// command should start) throws PersistError "<file>: at byte N: ..." before `handler` sees any
/// command, and is left unchanged. A file that ends inside a command lost its last write in a
/// crash: with TornTail::truncate the complete commands are replayed, the file is truncated to
/// the end of the last one (so new appends do not land after garbage) and ReplayStats::warning
/// says so. If `handler` throws, the commands before have run: the caller discards what it
/// built, as a server that refuses to start does. A missing file replays nothing.
ReplayStats replay_aof(const std::filesystem::path& path, const CommandHandler& handler,
                       TornTail torn_tail = TornTail::truncate);

/// replay_aof() with apply() as the handler: rebuilds `keyspace` from the file. A command that
/// apply() rejects (unknown, wrong arguments) throws PersistError naming the file and offset.
ReplayStats load_aof(const std::filesystem::path& path, store::Keyspace& keyspace,
                     TornTail torn_tail = TornTail::truncate);

/// What a compaction wrote.
struct RewriteStats {
    std::size_t commands = 0;
    std::size_t file_bytes = 0;
};

/// Replaces the file at `path` with the fewest commands that rebuild the live keys of
/// `keyspace`: one `SET key value` per string key, `SET key value PXAT ms` for one with a
/// deadline; a list as `RPUSH key e1 ... e64` commands and a set as `SADD` commands of at most
/// 64 elements each, followed by `PEXPIREAT key ms` when the key has a deadline.
/// Atomic (AtomicFile: temp file, fsync, rename, directory fsync); throws PersistError.
RewriteStats rewrite_aof(const store::Keyspace& keyspace, const std::filesystem::path& path);

/// An append-only file open for appending, with its fsync policy.
///
/// Single writer: append() and rewrite() are called by one thread at a time (the one that runs
/// commands). Under `everysec` a background thread fsyncs; it shares only the descriptor (under
/// a mutex) and an atomic "dirty" flag with the writer, so append() never waits for the disk.
class AppendOnlyFile {
public:
    /// Opens (or creates) `path` for appending. `everysec_interval` is one second in
    /// production; tests shorten it. Throws PersistError.
    AppendOnlyFile(std::filesystem::path path, FsyncPolicy policy,
                   std::chrono::milliseconds everysec_interval = std::chrono::seconds{1});
    /// close(), logging instead of throwing if the final fsync fails.
    ~AppendOnlyFile();

    AppendOnlyFile(const AppendOnlyFile&) = delete;
    AppendOnlyFile& operator=(const AppendOnlyFile&) = delete;
    AppendOnlyFile(AppendOnlyFile&&) = delete;
    AppendOnlyFile& operator=(AppendOnlyFile&&) = delete;

    /// Appends one command as a RESP array of bulk strings. It is in the kernel when this
    /// returns, and on the disk too under `always`. Throws PersistError when the write or the
    /// fsync fails, or when the background fsync of `everysec` has failed since the last call
    /// (the data may not be durable: Redis then refuses writes, and so must the caller).
    void append(std::span<const std::string_view> argv);
    void append(std::initializer_list<std::string_view> argv);

    /// Compacts the file from `keyspace` (rewrite_aof()) and goes on appending to the new file.
    /// Synchronous: the caller waits for the whole rewrite (Redis forks a child instead).
    RewriteStats rewrite(const store::Keyspace& keyspace);

    /// Stops the background thread and fsyncs what is not on the disk yet, as Redis does on
    /// shutdown whatever the policy. Throws PersistError. Further appends are not allowed.
    void close();

    /// fsync/fdatasync calls made so far: how tests observe the policy.
    [[nodiscard]] std::size_t fsync_count() const { return fsyncs_.load(); }
    /// Bytes in the file, including those not yet fsynced.
    [[nodiscard]] std::size_t size() const { return size_; }
    /// The policy given to the constructor.
    [[nodiscard]] FsyncPolicy policy() const { return policy_; }
    /// The file appended to.
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    void open_for_append();
    void sync_now();
    void everysec_loop(std::stop_token stop);

    std::filesystem::path path_;
    FsyncPolicy policy_;
    std::chrono::milliseconds interval_;
    net::FileDescriptor fd_;
    std::size_t size_ = 0;
    bool torn_ = false;    // a failed write left bytes past size_ that could not be cut off
    std::string encoded_;  // reused buffer for one encoded command

    std::mutex fd_mutex_;  // held by the fsync thread while it uses fd_, and while fd_ changes
    std::condition_variable_any wake_;
    std::atomic<bool> dirty_{false};   // written since the last fsync
    std::atomic<int> fsync_error_{0};  // errno of a failed background fsync, until reported
    std::atomic<std::size_t> fsyncs_{0};
    std::jthread fsync_thread_;  // last: stopped and joined before the members it uses go
};

}  // namespace persist
