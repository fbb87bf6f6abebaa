// The append-only file as a propagation sink: every write the dispatcher propagates is
// appended as RESP, and a failure is recorded (not thrown) so the server can refuse further
// writes with Redis's MISCONF error. Introduced in lab 5.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "cmd/propagation.hpp"
#include "persist/aof.hpp"
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
    /// already changed the data, and the client must still get its reply. Except under
    /// `appendfsync always`, whose promise a failed write breaks: then the process exits with
    /// status 1 before the reply leaves, as Redis does.
    void propagate(std::span<const std::string_view> argv) override;

    /// False after a failed append, until an append succeeds again (aof_last_write_status).
    [[nodiscard]] bool last_write_ok() const { return last_write_ok_; }
    /// The operating system's reason for the last failure, e.g. "No space left on device".
    [[nodiscard]] const std::string& last_error() const { return last_error_; }

    /// Replaces the file's content with the commands that rebuild `keyspace`: how enabling
    /// the AOF at run time (CONFIG SET appendonly yes) starts from the current data.
    void rewrite(const store::Keyspace& keyspace) { file_.rewrite(keyspace); }

    /// Flushes and fsyncs, as Redis does on shutdown; later appends are ignored. Throws
    /// persist::PersistError.
    void close();

    [[nodiscard]] const std::filesystem::path& path() const { return file_.path(); }
    [[nodiscard]] persist::FsyncPolicy policy() const { return file_.policy(); }

private:
    persist::AppendOnlyFile file_;
    Logger& log_;
    bool closed_ = false;
    bool last_write_ok_ = true;
    std::string last_error_;
};

/// The reason part of a PersistError message ("<file>: <action>: <reason>"): the text after
/// the last ": ", for MISCONF replies that quote only the OS error as Redis does.
[[nodiscard]] std::string error_reason(std::string_view message);

}  // namespace server
