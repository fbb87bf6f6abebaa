// The forked background save. Introduced in lab 7.
#include "async/forked_save.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string_view>
#include <system_error>

#include "persist/snapshot_format.hpp"

namespace async {

namespace {

using SteadyClock = std::chrono::steady_clock;

// The child's whole life: save, report on the pipe, _exit. _exit() and not exit(): the child
// must not run the parent's atexit handlers or destructors (they would flush the parent's
// buffers twice, or close the parent's files' state).
[[noreturn]] void run_child(const store::Keyspace& keyspace, const std::filesystem::path& path,
                            store::TimePoint now, int report, const sigset_t& mask) {
    // Only the report pipe is ours to keep: the listening socket, the clients' sockets, the
    // loop's epoll and signal pipe and the append-only file stay the parent's (Redis's child
    // closes its listeners too). And a SIGTERM or SIGINT sent to the child ends the child:
    // with Asio's handler it would be written into the pipe the parent reads signals from.
    if (report > 3) ::close_range(3, static_cast<unsigned>(report) - 1, 0);
    ::close_range(static_cast<unsigned>(report) + 1, ~0U, 0);
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    ::sigaction(SIGINT, &default_action, nullptr);
    ::sigaction(SIGTERM, &default_action, nullptr);
    ::sigaction(SIGUSR1, &default_action, nullptr);
    ::pthread_sigmask(SIG_SETMASK, &mask, nullptr);  // a signal that came meanwhile ends us now

    std::string message;
    int status = 0;
    try {
        const persist::SnapshotSaveStats stats = persist::save_any(keyspace, path, now);
        message = std::to_string(stats.keys);
    } catch (const std::exception& failure) {
        message = failure.what();
        status = 1;
    }
    // Shorter than PIPE_BUF in practice: one write, read whole by the parent after the exit.
    (void)!::write(report, message.data(), std::min<std::size_t>(message.size(), 4000));
    ::_exit(status);
}

}  // namespace

ForkedSave::ForkedSave(const store::Keyspace& keyspace, const std::filesystem::path& path,
                       store::TimePoint now, std::uint64_t changes)
    : path_{path}, started_{SteadyClock::now()} {
    result_.changes_at_start = changes;
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) {
        throw std::system_error{errno, std::generic_category(), "pipe"};
    }
    // SIGINT and SIGTERM stay blocked across the fork, so one sent to the new child before
    // it restored their default action stays pending instead of running the parent's handler
    // in the child (which would tell the parent's loop to shut down).
    sigset_t stop_signals;
    sigset_t previous;
    ::sigemptyset(&stop_signals);
    ::sigaddset(&stop_signals, SIGINT);
    ::sigaddset(&stop_signals, SIGTERM);
    ::sigaddset(&stop_signals, SIGUSR1);
    ::pthread_sigmask(SIG_BLOCK, &stop_signals, &previous);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(ends[0]);
        run_child(keyspace, path, now, ends[1], previous);
    }
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (pid < 0) {
        const int error = errno;
        ::close(ends[0]);
        ::close(ends[1]);
        throw std::system_error{error, std::generic_category(), "fork"};
    }
    ::close(ends[1]);
    child_ = pid;
    report_ = ends[0];
    fork_time_ =
        std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started_);
}

ForkedSave::~ForkedSave() {
    if (!exited_) (void)finish();
    if (report_ >= 0) ::close(report_);
}

bool ForkedSave::done() {
    if (exited_) return true;
    int status = 0;
    const pid_t waited = ::waitpid(child_, &status, WNOHANG);
    if (waited == child_) reap(status);
    return exited_;
}

server::BackgroundSaveResult ForkedSave::finish() {
    while (!exited_) {
        int status = 0;
        const pid_t waited = ::waitpid(child_, &status, 0);
        if (waited == child_) {
            reap(status);
        } else if (waited < 0 && errno != EINTR) {
            // ECHILD: somebody else reaped it (a SIGCHLD set to SIG_IGN). No report to read.
            exited_ = true;
            result_.error = "the background save's child process was lost";
        }
    }
    return result_;
}

void ForkedSave::reap(int status) {
    exited_ = true;
    result_.duration =
        std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started_);
    result_.finished_at =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    std::string report;
    char chunk[512];
    for (;;) {
        const ssize_t got = ::read(report_, chunk, sizeof chunk);
        if (got > 0) {
            report.append(chunk, static_cast<std::size_t>(got));
        } else if (got < 0 && errno == EINTR) {
            continue;
        } else {
            break;
        }
    }
    if (abandoned_ && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
        result_.abandoned = true;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        result_.ok = true;
        result_.stats.keys = static_cast<std::size_t>(std::strtoull(report.c_str(), nullptr, 10));
    } else if (WIFSIGNALED(status)) {
        result_.error = "the child saving the snapshot was killed by signal " +
                        std::to_string(WTERMSIG(status));
    } else {
        result_.error = report.empty() ? "the child saving the snapshot failed" : report;
    }
    if (!result_.ok) {
        // A child that died (killed, out of memory) may leave its temp file; remove it, as
        // Redis removes temp-<pid>.rdb.
        std::error_code ignored;
        std::filesystem::remove(temp_path(), ignored);
    }
}

std::filesystem::path ForkedSave::temp_path() const {
    return std::filesystem::path{path_.string() + ".tmp." + std::to_string(child_)};
}

void ForkedSave::abandon() {
    if (exited_) return;
    abandoned_ = true;
    ::kill(child_, SIGUSR1);
}

std::string ForkedSave::started_message() const {
    return "forked child " + std::to_string(child_) + " in " + std::to_string(fork_time_.count()) +
           " us";
}

std::unique_ptr<server::BackgroundSaveJob> start_forked_save(const store::Keyspace& keyspace,
                                                             const std::filesystem::path& path,
                                                             store::TimePoint now,
                                                             std::uint64_t changes) {
    return std::make_unique<ForkedSave>(keyspace, path, now, changes);
}

}  // namespace async
