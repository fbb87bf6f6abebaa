// The append-only file behind the dispatcher's propagation. Introduced in lab 5.
#include "server/aof_sink.hpp"

#include <cstdlib>

#include "persist/file_io.hpp"

namespace server {

AofSink::AofSink(const std::filesystem::path& path, persist::FsyncPolicy policy, Logger& log)
    : file_{path, policy}, log_{log} {}

void AofSink::propagate(std::span<const std::string_view> argv) {
    if (closed_) return;
    try {
        file_.append(argv);
        if (!last_write_ok_) {
            log_.notice("AOF write error looks solved: writes are accepted again");
            last_write_ok_ = true;
        }
    } catch (const persist::PersistError& failure) {
        if (file_.policy() == persist::FsyncPolicy::always) {
            // The promise of `always` is that an acknowledged write is on the disk. This one is
            // not, and its reply is not sent yet: exit before it is, as Redis does. _Exit, not
            // exit: other threads are running, and static destructors must not race them.
            log_.warning(std::string{"error writing to the append-only file: "} + failure.what() +
                         "; can't recover with appendfsync always: exiting");
            std::_Exit(1);
        }
        // Logged once per run of failures, not once per command.
        if (last_write_ok_) {
            log_.warning(std::string{"error writing to the append-only file: "} + failure.what() +
                         "; write commands are refused (MISCONF)");
        }
        last_write_ok_ = false;
        last_error_ = error_reason(failure.what());
    }
}

void AofSink::close() {
    if (closed_) return;
    closed_ = true;
    file_.close();
}

std::string error_reason(std::string_view message) {
    const auto colon = message.rfind(": ");
    return std::string{colon == std::string_view::npos ? message : message.substr(colon + 2)};
}

}  // namespace server
