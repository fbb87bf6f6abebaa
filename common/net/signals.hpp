// Stopping a blocking server cleanly on Ctrl-C (SIGINT) or SIGTERM. Introduced in lab 1.
#pragma once

namespace net {

/// Installs handlers for SIGINT and SIGTERM that only record the request, and ignores SIGPIPE.
///
/// The handlers are installed *without* SA_RESTART, so a blocking accept() or recv() returns
/// EINTR when a signal arrives: that is how a single-threaded blocking server notices, between
/// two calls, that it should stop. A signal handler may do almost nothing safely, so it sets a
/// flag and the server's loop does the real work (closing sockets, saving, logging).
void install_stop_handlers();

/// True once SIGINT or SIGTERM has arrived.
[[nodiscard]] bool stop_requested();

/// Blocks SIGINT and SIGTERM in the calling thread (and in threads it starts later), so that
/// they are delivered only inside wait_for_input(). Without this there is a race: a signal that
/// arrives after the loop checked stop_requested() but before it entered accept() or recv()
/// interrupts nothing, and the server sleeps on until the next client or byte. Lab 1 uses it;
/// lab 5's server does the same with its own ppoll() loop.
void block_stop_signals();

/// Waits until `fd` has something to read (data, a connection to accept, or a hang-up), letting
/// SIGINT and SIGTERM in only for the duration of the wait, atomically, with ppoll(). Returns
/// false when a signal ended the wait: the caller checks stop_requested().
[[nodiscard]] bool wait_for_input(int fd);

}  // namespace net
