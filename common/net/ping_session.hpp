// Lab 1's protocol: one text command per line, answered in Redis's reply format. Enough to
// talk to the server with telnet or nc before lab 3 brings the real protocol. Introduced in lab 1.
#pragma once

#include <string>
#include <string_view>

#include "net/socket.hpp"

namespace net {

/// What to do with the connection after a reply.
enum class After { keep_open, close };

struct LineAnswer {
    /// Bytes to send back; empty for an empty line, which Redis ignores without a reply.
    std::string reply;
    After after = After::keep_open;
};

/// Answers one line: `PING [message]`, `ECHO message`, `QUIT`, with command names in any case.
/// Arguments are separated by white space (quotes arrive with lab 3). Replies and error texts are
/// Redis 7's, byte for byte: `+PONG`, a bulk string `$5\r\nhello\r\n` for a message,
/// `-ERR wrong number of arguments for 'echo' command`, and for anything else
/// `-ERR unknown command 'foo', with args beginning with: 'a' `.
[[nodiscard]] LineAnswer answer_line(std::string_view line);

/// How a conversation with one client ended.
enum class SessionEnd {
    quit,             ///< the client sent QUIT
    closed,           ///< the client hung up between commands
    closed_mid_line,  ///< the client hung up in the middle of a command
    too_long,         ///< a line over 64 KiB: answered with Redis's protocol error, then closed
    stopped,          ///< SIGINT or SIGTERM arrived (see signals.hpp)
};

/// Serves one client until it leaves: reads lines, answers each, stops at QUIT, at a hang-up, at
/// an over-long line or when the process is asked to stop.
SessionEnd serve_ping_client(Socket& client);

}  // namespace net
