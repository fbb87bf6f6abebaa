// Reads newline-terminated lines from a stream socket, however the bytes arrive: one line over
// several recv() calls, several lines in one, `\r\n` or a bare `\n`. Introduced in lab 1.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "net/socket.hpp"

namespace net {

/// The longest line a reader accepts by default: Redis's limit on an inline request
/// (PROTO_INLINE_MAX_SIZE, 64 KiB).
inline constexpr std::size_t max_inline_line = 64 * 1024;

enum class LineStatus {
    line,             ///< a complete line, without its terminator
    closed,           ///< the peer closed between lines: a clean goodbye
    closed_mid_line,  ///< the peer closed after sending part of a line; that part is dropped
    too_long,         ///< more than the limit arrived without a newline
    interrupted,      ///< a signal arrived while waiting; call again to go on waiting
};

struct LineResult {
    LineStatus status;
    /// The line when status is `line`; valid until the next read_line().
    std::string_view line = {};
};

/// Buffers what the socket delivers and hands it out a line at a time.
///
/// TCP is a byte stream, not a message stream: one recv() may return half a line or three
/// lines, so a reader must keep the leftovers between calls. That is the whole job of this
/// class, and lab 3's RESP parser faces the same problem with a richer grammar.
class LineReader {
public:
    explicit LineReader(Socket& socket, std::size_t max_line = max_inline_line);

    /// The next line, waiting for more bytes as needed.
    [[nodiscard]] LineResult read_line();

private:
    Socket& socket_;
    std::size_t max_line_;
    std::string buffer_;        // bytes received and not yet handed out
    std::size_t consumed_ = 0;  // bytes of buffer_ already returned as lines
    std::size_t scanned_ = 0;   // bytes past consumed_ known to hold no '\n'
};

}  // namespace net
