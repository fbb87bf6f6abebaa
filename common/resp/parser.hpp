// The incremental RESP request parser: arrays of bulk strings and inline commands, read from a
// byte buffer that may hold half a command or many. Introduced in lab 3; knows nothing of
// sockets or the store, so the servers, the append-only file and the tests all share it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "resp/inline_args.hpp"

namespace resp {

/// Redis's PROTO_INLINE_MAX_SIZE: the longest inline command, and the longest `*<count>` or
/// `$<length>` line, in bytes.
inline constexpr std::size_t default_max_inline_size = 64 * 1024;
/// Redis's default `proto-max-bulk-len`: the longest bulk string a client may send.
inline constexpr std::int64_t default_max_bulk_length = 512LL * 1024 * 1024;
/// The largest element count of a request array (INT_MAX, as Redis 7.0 checks); a larger count
/// is an invalid multibulk length. Nothing is allocated for the count itself: the argument
/// list grows as elements really arrive.
inline constexpr std::int64_t max_multibulk_length = 2'147'483'647;
/// Before a client has authenticated to a server that wants a password, Redis accepts only
/// small requests: at most 10 elements, and bulk strings of at most 16 KiB (networking.c). A
/// stranger who does not know the password cannot make the server buffer 512 MiB for it.
inline constexpr std::int64_t unauthenticated_max_multibulk_length = 10;
inline constexpr std::int64_t unauthenticated_max_bulk_length = 16 * 1024;

/// Whether a request may be an inline command (a line of words, what telnet sends).
enum class InlineCommands {
    accept,  ///< like a Redis client connection
    reject,  ///< every request must be an array: for the append-only file, whose writer never
             ///< produces inline commands, so a non-`*` byte there is corruption
};

/// Whether the sender still has to authenticate: a password is required and AUTH has not
/// succeeded yet. The server says so before each command (Parser::set_authentication()).
enum class Authentication {
    done,     ///< or not required: the limits above apply
    pending,  ///< Redis's authRequired(): the unauthenticated limits apply as well
};

/// The limits the parser enforces, each checked *before* anything is allocated for a length.
struct Limits {
    std::size_t max_inline_size = default_max_inline_size;
    std::int64_t max_bulk_length = default_max_bulk_length;
    InlineCommands inline_commands = InlineCommands::accept;
    Authentication authentication = Authentication::done;
};

/// The three outcomes of parse(). "Need more" is a normal answer, not an error.
enum class ParseStatus {
    complete,   ///< a whole command was read: see ParseResult::args
    need_more,  ///< the buffer ends inside a command; call again once more bytes arrived
    error,      ///< the bytes break the protocol: reply ParseResult::message, then close
};

/// What kind of request a complete command was.
enum class Framing {
    multibulk,       ///< `*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`
    inline_command,  ///< `GET k\r\n`
};

/// Which rule a protocol error broke; each has Redis 7's exact message (see message()).
enum class ProtocolError {
    none,
    invalid_multibulk_length,          ///< `*x`, `*99999999999`, a count above max_multibulk_length
    invalid_bulk_length,               ///< `$-1`, `$x`, a length above Limits::max_bulk_length
    unauthenticated_multibulk_length,  ///< over 10 elements before AUTH (Authentication::pending)
    unauthenticated_bulk_length,       ///< a bulk string over 16 KiB before AUTH
    expected_dollar,                   ///< an array element that is not a bulk string
    expected_star,                     ///< an inline command under InlineCommands::reject (ours)
    too_big_inline_request,            ///< an inline line longer than Limits::max_inline_size
    too_big_mbulk_count_string,        ///< a `*<count>` line that long
    too_big_bulk_count_string,         ///< a `$<length>` line that long
    unbalanced_quotes,                 ///< an inline command with a bad quote
};

/// The answer to one parse() call.
struct ParseResult {
    ParseStatus status = ParseStatus::need_more;
    /// Bytes, counted from the `offset` given to parse(), that the caller is done with: the
    /// command (when complete) plus any no-op input before it (empty inline lines, `*0`, `*-1`).
    /// For need_more and error it counts only that no-op input, so `offset + consumed` is where
    /// the unfinished or broken command starts. Callers always do `offset += consumed`.
    std::size_t consumed = 0;
    /// The command's arguments (complete only). Each view points into the caller's buffer, or,
    /// for an inline argument that had quotes or escapes, into storage the parser owns. Valid
    /// until the next parse() or reset() and while the buffer is not changed.
    std::span<const std::string_view> args = {};
    Framing framing = Framing::multibulk;       ///< complete only
    ProtocolError error = ProtocolError::none;  ///< error only
    /// The error reply's text without the leading `-` and the CRLF (error only), e.g.
    /// `ERR Protocol error: invalid bulk length`. Valid until the next parse() or reset().
    std::string_view message = {};
};

/// Reads one command at a time from a caller-owned buffer, keeping its place between calls.
///
/// The caller appends what the socket (or file) delivers to one buffer and calls parse() with
/// the offset where its unconsumed bytes start; it drops the consumed prefix once per batch,
/// not once per command:
///
///     std::size_t offset = 0;
///     for (;;) {
///         const ParseResult result = parser.parse(buffer, offset);
///         offset += result.consumed;
///         if (result.status != ParseStatus::complete) break;   // need_more or error
///         execute(result.args);
///     }
///     buffer.erase(0, offset);
///
/// A command that arrives in pieces is not rescanned from its first byte on each call: the
/// parser remembers how far it got (the element count, the arguments already read, the length
/// of the bulk string it waits for), as positions *relative to the command's start*, so the
/// caller may move or reallocate the buffer between calls. That keeps a big command arriving a
/// few bytes at a time linear rather than quadratic (docs/lab3_resp.md, "Parsing
/// incrementally"). The contract that makes it work: after need_more, the next call must see
/// the same bytes at its `offset` (the old `offset + consumed`), with new bytes after them.
///
/// After an error the parser keeps answering the same error until reset(): the stream has
/// lost its framing, and Redis closes such a connection.
class Parser {
public:
    explicit Parser(Limits limits = {});

    /// Parses the next command of `buffer[offset..]`. See ParseResult for what comes back.
    [[nodiscard]] ParseResult parse(std::string_view buffer, std::size_t offset = 0);

    /// Forgets any partly read command and any error: for a new stream on the same parser.
    void reset();

    /// True when no command is partly read: a buffer that ends here ends cleanly. The
    /// append-only file uses it to tell a complete file from a torn tail.
    [[nodiscard]] bool idle() const;

    [[nodiscard]] const Limits& limits() const { return limits_; }

    /// Whether the unauthenticated limits apply from the next `*<count>` or `$<length>` line on.
    /// A server calls it before each command, since AUTH (or CONFIG SET requirepass) changes the
    /// answer between one command and the next of the same read, as Redis's authRequired() is
    /// asked at each header.
    void set_authentication(Authentication authentication) {
        limits_.authentication = authentication;
    }

private:
    // Where the parser is inside the current command. `start` is also "between commands".
    enum class State { start, array_count, bulk_length, bulk_data, failed };

    // The end of the line starting at `start` (index of its '\r' or '\n'), or npos when more
    // bytes are needed; sets `too_long` when the line is already over the limit.
    std::size_t find_line_end(std::string_view command, std::size_t start, char terminator,
                              bool& too_long);
    // nullopt means a no-op request (`*0`, `*-1`, an empty line) of position_ bytes was skipped.
    std::optional<ParseResult> parse_multibulk(std::string_view command, std::size_t skipped);
    std::optional<ParseResult> parse_inline(std::string_view command, std::size_t skipped);
    ParseResult fail(ProtocolError error, std::size_t skipped, char got = '\0');
    ParseResult finish(std::string_view command, std::size_t skipped, Framing framing);
    void start_command();

    Limits limits_;
    State state_ = State::start;
    std::size_t position_ = 0;            // next byte to read, relative to the command's start
    std::size_t scanned_ = 0;             // bytes of the current line already searched for its end
    std::int64_t remaining_ = 0;          // array elements still to read
    std::int64_t bulk_length_ = 0;        // length of the bulk string being read (bulk_data)
    std::vector<ArgumentSlice> slices_;   // arguments read so far: in the command, or in owned_
    std::vector<std::string> owned_;      // decoded inline arguments that had quotes or escapes
    std::vector<std::string_view> args_;  // what the last complete result's span shows
    ParseResult failure_;                 // the sticky error, once failed
    std::string message_;                 // failure_.message points here
};

/// The error reply text for `error`, e.g. `ERR Protocol error: invalid bulk length`.
/// `got` is the offending byte for expected_dollar and expected_star.
[[nodiscard]] std::string protocol_error_message(ProtocolError error, char got = '\0');

}  // namespace resp
