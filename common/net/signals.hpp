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

}  // namespace net
