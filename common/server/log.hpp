// The server's log: one line per event on stdout, written whole even when several threads log
// at once, and flushed at once so a test (or a person) sees it immediately. Introduced in lab 5.
#pragma once

#include <iostream>
#include <mutex>
#include <string>
#include <string_view>

namespace server {

/// Writes `<name>: <message>` lines to stdout, one at a time.
///
/// Redis logs to one stream too (stdout unless `logfile` is set) and marks each line with its
/// level: `*` for notices, `#` for warnings. We keep the level as a word, "warning:", and
/// leave out Redis's verbose level (a line per connection): nobody reads stdout during the
/// tests, and a pipe nobody reads fills up and blocks the writer.
class Logger {
public:
    explicit Logger(std::string name) : name_{std::move(name)} {}
    Logger(const Logger&) = delete;
    Logger& operator=(const Logger&) = delete;

    /// Something worth knowing in normal operation: loads, saves, start and stop.
    void notice(std::string_view message) { write("", message); }
    /// Something went wrong that the operator must look at: a failed save, a closed client.
    void warning(std::string_view message) { write("warning: ", message); }

private:
    void write(std::string_view level, std::string_view message) {
        std::string line;
        line.reserve(name_.size() + level.size() + message.size() + 3);
        line.append(name_).append(": ").append(level).append(message).push_back('\n');
        const std::scoped_lock lock{mutex_};
        std::cout << line << std::flush;
    }

    std::string name_;
    std::mutex mutex_;
};

}  // namespace server
