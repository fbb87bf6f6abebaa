// The append-only file as a propagation sink: every write the dispatcher propagates is
// appended as RESP; a failed append is kept and retried (not thrown), and the server refuses
// further writes with Redis's MISCONF error until it is written. Introduced in lab 5.
#pragma once

#include <cstddef>
#include <deque>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/propagation.hpp"
#include "persist/aof.hpp"
#include "persist/file_io.hpp"
#include "server/log.hpp"

namespace server {

/// An open persist::AppendOnlyFile behind cmd::PropagationSink.
///
/// Called with the command lock held, by the thread that ran the command, before that
/// command's reply is sent: under `appendfsync always` the write is on the disk before the
/// client hears OK, which is what makes an acknowledged write survive `kill -9`.
class AofSink final : public cmd::PropagationSink {
public:
    /// Opens (or creates) the file; throws persist::PersistError naming it.
    AofSink(const std::filesystem::path& path, persist::FsyncPolicy policy, Logger& log);

    /// Appends one command. A failure is logged and remembered, never thrown: the command
    /// already changed the data, and the client must still get its reply. The command is then
    /// owed to the file: kept in memory, in order with any that follow, and written by retry()
    /// once the disk takes it again, as Redis keeps the failed bytes in its aof_buf and retries
    /// them from serverCron. Dropping it instead would lose an acknowledged write at the next
    /// restart. Except under `appendfsync always`, whose promise a failed write breaks: then
    /// the process exits with status 1 before the reply leaves, as Redis does.
    void propagate(std::span<const std::string_view> argv) override;

    /// Writes the owed commands, oldest first, if there are any: the cron's part. True when
    /// nothing is owed any more.
    bool retry();

    /// False while commands are owed to the file (aof_last_write_status): the server refuses
    /// writes meanwhile.
    [[nodiscard]] bool last_write_ok() const { return owed_.empty(); }
    /// The operating system's reason for the last failure, e.g. "No space left on device".
    [[nodiscard]] const std::string& last_error() const { return last_error_; }
    /// Commands acknowledged to their clients but not in the file yet.
    [[nodiscard]] std::size_t owed() const { return owed_.size(); }

    /// Replaces the file's content with the commands that rebuild `keyspace`: how enabling
    /// the AOF at run time (CONFIG SET appendonly yes) starts from the current data. The new
    /// file holds what the owed commands did, so none is owed afterwards.
    void rewrite(const store::Keyspace& keyspace);

    /// Takes over the commands `previous` owes, when this sink replaces it (CONFIG SET
    /// appendfsync opens the file again): they must not be lost with the old sink.
    void adopt_owed(AofSink& previous);

    /// Writes what is owed, then flushes and fsyncs, as Redis does on shutdown; later appends
    /// are ignored. Throws persist::PersistError, naming the file and the number of commands
    /// still owed when they cannot be written: the caller must not pretend they are safe.
    void close();

    [[nodiscard]] const std::filesystem::path& path() const { return file_.path(); }
    [[nodiscard]] persist::FsyncPolicy policy() const { return file_.policy(); }

private:
    // One failed append: logged once per run of failures, remembered for MISCONF.
    void failed(const persist::PersistError& failure);

    persist::AppendOnlyFile file_;
    Logger& log_;
    bool closed_ = false;
    std::deque<std::vector<std::string>> owed_;  // acknowledged, not yet in the file
    std::string last_error_;
};

/// The reason part of a PersistError message ("<file>: <action>: <reason>"): the text after
/// the last ": ", for MISCONF replies that quote only the OS error as Redis does.
[[nodiscard]] std::string error_reason(std::string_view message);

}  // namespace server
