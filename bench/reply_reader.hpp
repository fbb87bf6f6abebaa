// Reading the server's replies off a byte buffer: one whole RESP reply at a time, or "need more",
// or a protocol error. The load generator's counterpart of common/resp/parser.hpp, which reads
// requests. Part of the benchmark harness (bench/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bench {

/// The outcomes of read_reply(), as resp::ParseStatus: "need more" is a normal answer.
enum class ReplyStatus {
    complete,   ///< one whole reply: see Reply
    need_more,  ///< the buffer ends inside a reply; read more bytes and call again
    bad,        ///< the bytes are not RESP: the connection cannot be trusted any further
};

/// What kind of reply arrived. RESP3 types map to the nearest RESP2 one.
enum class ReplyKind {
    simple,   ///< `+OK`, RESP3 `#t`, `,1.5`, `(123`
    error,    ///< `-ERR ...`, RESP3 `!<length>` blob errors
    integer,  ///< `:42`
    bulk,     ///< `$5 hello`, RESP3 `=` verbatim strings
    null,     ///< `$-1`, `*-1`, RESP3 `_`
    array,    ///< `*N`, RESP3 maps, sets and pushes: the elements are checked and skipped
};

/// One reply. Views point into the caller's buffer and live as long as it is unchanged.
struct Reply {
    ReplyStatus status = ReplyStatus::need_more;
    std::size_t consumed = 0;  ///< bytes of the whole reply (complete only)
    ReplyKind kind = ReplyKind::null;
    std::string_view text;     ///< simple, error and bulk: the payload without framing
    std::int64_t integer = 0;  ///< integer: the value; array: the element count
};

/// Reads the reply at the start of `buffer`.
///
/// Unlike resp::Parser this keeps no state between calls: a reply that is not complete yet is
/// scanned again from its first byte next time. That is quadratic only for a large array that
/// arrives in many pieces, which the benchmark's commands never ask for (their replies are a
/// status, an integer or one bulk string, and a bulk string's payload is skipped by its length,
/// not scanned). Simplicity wins here; the server side, which must survive any client, cannot
/// make that trade.
///
/// Wire syntax, RESP2 and RESP3:
///   `+<line>` `-<line>` `:<integer>` `$<length>\r\n<bytes>\r\n` `$-1` `*<count>\r\n<replies>`
///   `*-1` `_` `#t|f` `,<double>` `(<big number>` `!<length>\r\n<bytes>` `=<length>\r\n<bytes>`
///   `%<pairs>` `~<count>` `><count>`
[[nodiscard]] Reply read_reply(std::string_view buffer);

}  // namespace bench
