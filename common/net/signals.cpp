// The stop flag behind net::install_stop_handlers().
#include "net/signals.hpp"

#include <poll.h>
#include <pthread.h>

#include <atomic>
#include <cerrno>
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

namespace {

sigset_t stop_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    return signals;
}

}  // namespace

void block_stop_signals() {
    const sigset_t signals = stop_signals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

bool wait_for_input(int fd) {
    // The mask in force during the wait: the thread's own, with the stop signals let through.
    sigset_t during_wait;
    pthread_sigmask(SIG_SETMASK, nullptr, &during_wait);
    sigdelset(&during_wait, SIGINT);
    sigdelset(&during_wait, SIGTERM);
    pollfd waiting{fd, POLLIN, 0};
    while (true) {
        if (::ppoll(&waiting, 1, nullptr, &during_wait) > 0) return true;
        if (errno == EINTR) return false;
    }
}

}  // namespace net
