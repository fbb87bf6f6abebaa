// The append-only file behind the dispatcher's propagation, and the commands it owes after a
// failed append. Introduced in lab 5.
#include "server/aof_sink.hpp"

#include <cstdlib>
#include <utility>

#include "persist/file_io.hpp"

namespace server {

AofSink::AofSink(const std::filesystem::path& path, persist::FsyncPolicy policy, Logger& log)
    : file_{path, policy}, log_{log} {}

void AofSink::propagate(std::span<const std::string_view> argv) {
    if (closed_) return;
    // Behind commands already owed, this one waits its turn: the file keeps the order in
    // which the commands ran, or a replay would not rebuild the same data.
    if (owed_.empty()) {
        try {
            file_.append(argv);
            return;
        } catch (const persist::PersistError& failure) {
            failed(failure);
        }
    }
    owed_.emplace_back(argv.begin(), argv.end());
    (void)retry();
}

bool AofSink::retry() {
    std::vector<std::string_view> argv;
    while (!owed_.empty()) {
        argv.assign(owed_.front().begin(), owed_.front().end());
        try {
            file_.append(argv);
        } catch (const persist::PersistError& failure) {
            failed(failure);
            return false;
        }
        owed_.pop_front();
        if (owed_.empty()) {
            log_.notice(
                "AOF write error looks solved: the owed commands are written, and "
                "writes are accepted again");
        }
    }
    return true;
}

void AofSink::failed(const persist::PersistError& failure) {
    if (file_.policy() == persist::FsyncPolicy::always && owed_.empty()) {
        // The promise of `always` is that an acknowledged write is on the disk. This one is
        // not, and its reply is not sent yet: exit before it is, as Redis does. _Exit, not
        // exit: other threads are running, and static destructors must not race them. (Not
        // when commands are owed already, adopted from an `everysec` sink: exiting would lose
        // them, and writes are refused with MISCONF until they are written.)
        log_.warning(std::string{"error writing to the append-only file: "} + failure.what() +
                     "; can't recover with appendfsync always: exiting");
        std::_Exit(1);
    }
    // Logged once per run of failures, not at every retry.
    if (owed_.empty()) {
        log_.warning(std::string{"error writing to the append-only file: "} + failure.what() +
                     "; the command is kept and retried, and write commands are refused "
                     "(MISCONF) until it is written");
    }
    last_error_ = error_reason(failure.what());
}

void AofSink::rewrite(const store::Keyspace& keyspace) {
    file_.rewrite(keyspace);
    owed_.clear();
}

void AofSink::adopt_owed(AofSink& previous) {
    for (auto& command : previous.owed_)
        owed_.push_back(std::move(command));
    previous.owed_.clear();
    if (!owed_.empty()) last_error_ = previous.last_error_;
}

void AofSink::close() {
    if (closed_) return;
    closed_ = true;
    if (retry()) return file_.close();
    std::string message = file_.path().string() + ": " + std::to_string(owed_.size()) +
                          " acknowledged commands could not be written: " + last_error_;
    try {
        file_.close();
    } catch (const persist::PersistError& failure) {
        message += std::string{"; and "} + failure.what();
    }
    throw persist::PersistError{message};
}

std::string error_reason(std::string_view message) {
    const auto colon = message.rfind(": ");
    return std::string{colon == std::string_view::npos ? message : message.substr(colon + 2)};
}

}  // namespace server
