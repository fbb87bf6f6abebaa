// One client's conversation on its own thread: read bytes, parse every complete command,
// run them under the server's command lock, and send all their replies with one send().
// Introduced in lab 5.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "cmd/dispatcher.hpp"
#include "cmd/session.hpp"
#include "net/socket.hpp"
#include "resp/parser.hpp"
#include "server/settings.hpp"

namespace server {

/// Sends replies produced so far, without the command lock, and empties `pending`; false when
/// the client is gone. How a command that blocks (lab 6) gets the replies of the commands
/// pipelined before it out before it waits.
using SendPending = std::function<bool(std::string& pending)>;

/// What a connection needs from the server: the command lock and what runs under it.
/// An interface, so the read-parse-run-reply loop does not depend on the whole server.
class CommandRunner {
public:
    virtual ~CommandRunner() = default;

    /// Takes the one command lock. Held for one batch: every complete command of one read.
    [[nodiscard]] virtual std::unique_lock<std::mutex> lock_commands() = 0;
    /// Under the lock: false once the server is shutting down, when nothing more may run.
    [[nodiscard]] virtual bool accepting_commands() const = 0;
    /// Under the lock: runs one command and appends its reply to `out`. A blocking command
    /// has been served or timed out when it returns: before it waits it hands `out` to
    /// `send_pending`, with the lock released. Outcome::cross_protocol_attack means "close now,
    /// sending nothing" (it was logged).
    virtual cmd::Outcome run_command(cmd::Session& session, std::span<const std::string_view> argv,
                                     std::string& out, const SendPending& send_pending) = 0;
    /// Under the lock: whether `session` must still authenticate (the parser then holds it to
    /// Redis's unauthenticated limits).
    [[nodiscard]] virtual bool requires_authentication(const cmd::Session& session) const = 0;
    /// Under the lock: adds to the traffic counters of INFO stats.
    virtual void count_traffic(std::size_t bytes_in, std::size_t bytes_out) = 0;
};

/// Why a connection ended.
enum class ConnectionEnd {
    peer_closed,          ///< the client hung up (or the connection broke)
    quit,                 ///< QUIT, or CLIENT KILL: the reply was sent, then the socket closed
    protocol_error,       ///< the error was sent, then the socket closed (Redis's behaviour)
    query_buffer_limit,   ///< the unprocessed input outgrew the limit: closed without a reply
    output_buffer_limit,  ///< one read's replies outgrew the output limit: closed, none sent
    cross_protocol,       ///< `POST` or `Host:` (an HTTP request): closed, nothing more sent
    server_stopping,      ///< the server is shutting down
};

/// A short description of `end` for the log.
[[nodiscard]] std::string_view describe(ConnectionEnd end);

/// Serves one client until the connection ends.
class Connection {
public:
    Connection(net::Socket& socket, cmd::Session& session, CommandRunner& runner,
               const ServerSettings& limits = {});

    /// The loop: receive, run every complete command, send the batch's replies at once.
    /// Exceptions from a command propagate to the caller, which logs them and closes.
    [[nodiscard]] ConnectionEnd serve();

private:
    enum class BatchEnd { read_more, close };
    // Runs every complete command in input_, appending replies to `out`; sets end_ to close.
    BatchEnd run_batch(std::string& out);

    net::Socket& socket_;
    cmd::Session& session_;
    CommandRunner& runner_;
    ServerSettings limits_;
    resp::Parser parser_;
    std::string input_;             // bytes received and not yet run; starts with a command
    std::size_t uncounted_in_ = 0;  // bytes received since the last count_traffic()
    std::size_t sent_early_ = 0;    // bytes of this batch sent before a blocking command
    ConnectionEnd end_ = ConnectionEnd::peer_closed;
};

}  // namespace server
