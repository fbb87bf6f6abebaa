// RESP reply reading for the load generator: find the line, read the length, skip the payload.
// Part of the benchmark harness (bench/).
#include "reply_reader.hpp"

#include <charconv>

namespace bench {

namespace {

// Nesting deeper than this is not a reply any server sends; stop rather than recurse forever.
constexpr int max_depth = 32;
// A header or status line longer than this is garbage, not a line still arriving (Redis's own
// limit for a client's inline line is the same 64 KB).
constexpr std::size_t max_line = 64 * 1024;
// More elements than this in one aggregate is garbage too (and keeps count * 2 from overflowing).
constexpr std::int64_t max_elements = std::int64_t{1} << 32;

// Replies are built by assignment: GCC 12 warns about designated initializers that leave out
// members (-Wmissing-field-initializers), even members with default values.
Reply with_status(ReplyStatus status) {
    Reply reply;
    reply.status = status;
    return reply;
}

Reply bad() {
    return with_status(ReplyStatus::bad);
}

Reply need_more() {
    return with_status(ReplyStatus::need_more);
}

Reply complete(std::size_t consumed, ReplyKind kind, std::string_view text = {}) {
    Reply reply = with_status(ReplyStatus::complete);
    reply.consumed = consumed;
    reply.kind = kind;
    reply.text = text;
    return reply;
}

// The line after the type byte, without its CRLF, and where the next thing starts; `end` stays
// 0 when the line is not complete yet.
struct Line {
    std::string_view text;
    std::size_t end = 0;
};

Line read_line(std::string_view buffer) {
    const std::size_t cr = buffer.find('\r', 1);
    if (cr == std::string_view::npos && buffer.size() > max_line) {
        return {.text = {}, .end = std::string_view::npos};
    }
    if (cr == std::string_view::npos || cr + 1 >= buffer.size()) return {};
    if (buffer[cr + 1] != '\n') return {.text = {}, .end = std::string_view::npos};
    return {.text = buffer.substr(1, cr - 1), .end = cr + 2};
}

bool parse_integer(std::string_view text, std::int64_t& value) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc{} && end == text.data() + text.size() && !text.empty();
}

Reply read_at(std::string_view buffer, int depth);

// `*<count>` and its RESP3 relatives: the header, then `count * per_element` replies.
Reply read_aggregate(std::string_view buffer, const Line& line, std::int64_t per_element,
                     int depth) {
    std::int64_t count = 0;
    if (!parse_integer(line.text, count) || count < -1 || count > max_elements) return bad();
    if (count == -1) return complete(line.end, ReplyKind::null);
    if (depth >= max_depth) return bad();
    std::size_t at = line.end;
    for (std::int64_t i = 0; i < count * per_element; ++i) {
        const Reply element = read_at(buffer.substr(at), depth + 1);
        if (element.status != ReplyStatus::complete) return element;
        at += element.consumed;
    }
    Reply reply = complete(at, ReplyKind::array);
    reply.integer = count;
    return reply;
}

// `$<length>\r\n<bytes>\r\n` and the RESP3 blob types that share its framing.
Reply read_blob(std::string_view buffer, const Line& line, ReplyKind kind) {
    std::int64_t length = 0;
    if (!parse_integer(line.text, length) || length < -1) return bad();
    if (length == -1) return complete(line.end, ReplyKind::null);
    const auto size = static_cast<std::size_t>(length);
    if (buffer.size() - line.end < size + 2) return need_more();
    if (buffer[line.end + size] != '\r' || buffer[line.end + size + 1] != '\n') return bad();
    return complete(line.end + size + 2, kind, buffer.substr(line.end, size));
}

Reply read_at(std::string_view buffer, int depth) {
    if (buffer.empty()) return need_more();
    const Line line = read_line(buffer);
    if (line.end == std::string_view::npos) return bad();
    if (line.end == 0) return need_more();
    switch (buffer[0]) {
        case '+':
        case '#':
        case ',':
        case '(':
            return complete(line.end, ReplyKind::simple, line.text);
        case '-':
            return complete(line.end, ReplyKind::error, line.text);
        case ':': {
            Reply reply = complete(line.end, ReplyKind::integer);
            if (!parse_integer(line.text, reply.integer)) return bad();
            return reply;
        }
        case '_':
            return line.text.empty() ? complete(line.end, ReplyKind::null) : bad();
        case '$':
        case '=':
            return read_blob(buffer, line, ReplyKind::bulk);
        case '!':
            return read_blob(buffer, line, ReplyKind::error);
        case '*':
        case '~':
        case '>':
            return read_aggregate(buffer, line, 1, depth);
        case '%':
            return read_aggregate(buffer, line, 2, depth);
        default:
            return bad();
    }
}

}  // namespace

Reply read_reply(std::string_view buffer) {
    return read_at(buffer, 0);
}

}  // namespace bench
