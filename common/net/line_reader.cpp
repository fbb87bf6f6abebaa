// Line framing over a byte stream, for lab 1's text protocol.
#include "net/line_reader.hpp"

#include <array>

#include "net/signals.hpp"

namespace net {

LineReader::LineReader(Socket& socket, std::size_t max_line)
    : socket_{socket}, max_line_{max_line} {}

LineResult LineReader::read_line() {
    // Drop the line handed out last time; the view we returned then is now invalid.
    buffer_.erase(0, consumed_);
    consumed_ = 0;

    while (true) {
        // Look for the end of a line only in bytes we have not searched before, so a long line
        // arriving in many small pieces costs linear, not quadratic, time.
        const auto newline = buffer_.find('\n', scanned_);
        if (newline != std::string::npos) {
            std::size_t length = newline;
            if (length > 0 && buffer_[length - 1] == '\r') --length;
            consumed_ = newline + 1;
            scanned_ = 0;
            if (length > max_line_) return {LineStatus::too_long};
            return {LineStatus::line, std::string_view{buffer_}.substr(0, length)};
        }
        scanned_ = buffer_.size();
        if (buffer_.size() > max_line_) return {LineStatus::too_long};

        // Wait first, with the stop signals let in only during the wait (signals.hpp), so a
        // Ctrl-C is never lost between two reads.
        if (!wait_for_input(socket_.native_handle())) return {LineStatus::interrupted};
        std::array<char, 16 * 1024> chunk;  // Redis reads 16 KiB at a time too (PROTO_IOBUF_LEN)
        const Received received = socket_.receive(chunk);
        switch (received.status) {
            case IoStatus::ok:
                buffer_.append(chunk.data(), received.bytes);
                break;
            case IoStatus::interrupted:
                return {LineStatus::interrupted};
            case IoStatus::closed:
                return {buffer_.empty() ? LineStatus::closed : LineStatus::closed_mid_line};
        }
    }
}

}  // namespace net
