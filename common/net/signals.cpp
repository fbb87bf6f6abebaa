// The stop flag behind net::install_stop_handlers().
#include "net/signals.hpp"

#include <atomic>
#include <csignal>

namespace net {

namespace {

// The one piece of process-wide state in the course: a signal handler can reach nothing else.
// A lock-free atomic is safe to write from a handler.
std::atomic<bool> stop_flag{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_stop_signal(int /*signal*/) {
    stop_flag.store(true);
}

}  // namespace

void install_stop_handlers() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: blocking calls return EINTR
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

bool stop_requested() {
    return stop_flag.load();
}

}  // namespace net
