// The reply writer: appends RESP2 or RESP3 replies to an output buffer, and encodes a command
// (argv) as an array of bulk strings for the append-only file and replication. Introduced in
// lab 3; knows nothing of sockets: whoever owns the buffer decides when to send it.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace resp {

/// The protocol version a client speaks: RESP2 by default, RESP3 after `HELLO 3`.
enum class Protocol { resp2 = 2, resp3 = 3 };

/// Appends replies to a std::string the caller owns, one call per reply or per aggregate header.
///
/// Aggregates are written as a header followed by their elements (`array_header(2)` then two
/// replies), exactly as they travel, so no tree of reply objects is built. RESP3-only types
/// fall back to what Redis sends a RESP2 client: null is `$-1` (or `*-1` for a null array),
/// booleans are integers, doubles, big numbers and verbatim strings are bulk strings, maps are
/// flat arrays of key, value, key, value, and sets and pushes are arrays.
class Writer {
public:
    /// The writer appends to `out`, which must outlive it.
    explicit Writer(std::string& out, Protocol protocol = Protocol::resp2)
        : out_{out}, protocol_{protocol} {}

    [[nodiscard]] Protocol protocol() const { return protocol_; }
    void set_protocol(Protocol protocol) { protocol_ = protocol; }
    /// The buffer replies are appended to, for bytes that are not a RESP reply (lab 8: the
    /// snapshot a master sends a replica after +FULLRESYNC).
    [[nodiscard]] std::string& output() { return out_; }

    /// `+OK\r\n`. The text must not contain CR or LF (a status is one line by definition).
    void simple_string(std::string_view text);
    /// `-ERR message\r\n`. `message` starts with the error code (`ERR`, `WRONGTYPE`, ...);
    /// any CR or LF in it becomes a space, as Redis does, so a reply can never be split.
    void error(std::string_view message);
    /// `:42\r\n`
    void integer(long long value);
    /// `$5\r\nhello\r\n`: binary-safe, any bytes.
    void bulk(std::string_view bytes);
    /// A missing value (GET of a missing key): `$-1\r\n` in RESP2, `_\r\n` in RESP3.
    void null_bulk();
    /// A missing aggregate (a timed-out BLPOP): `*-1\r\n` in RESP2, `_\r\n` in RESP3.
    void null_array();
    /// RESP3's null `_\r\n`; in RESP2 the same as null_bulk().
    void null() { null_bulk(); }
    /// `*3\r\n`, to be followed by `count` replies.
    void array_header(std::size_t count);
    /// `%2\r\n` then 2 keys and 2 values interleaved; RESP2: `*4\r\n`.
    void map_header(std::size_t pairs);
    /// `~3\r\n` then 3 replies; RESP2: `*3\r\n`.
    void set_header(std::size_t count);
    /// `>3\r\n` then 3 replies (pub/sub messages); RESP2: `*3\r\n`.
    void push_header(std::size_t count);
    /// `#t\r\n` / `#f\r\n`; RESP2: `:1\r\n` / `:0\r\n`.
    void boolean(bool value);
    /// `,1.5\r\n` (`,inf`, `,-inf`, `,nan`); RESP2: the same text as a bulk string. Written
    /// with `%.17g`, as Redis 7.0 does, so the value survives a round trip.
    void double_value(double value);
    /// `(3492890328409238509324850943850943825024385\r\n`; RESP2: a bulk string.
    /// `digits` is an optional `-` and decimal digits.
    void big_number(std::string_view digits);
    /// `=15\r\ntxt:Some string\r\n`: text with a three-letter format (`txt`, `mkd`), as
    /// INFO and LATENCY DOCTOR reply; RESP2: a bulk string of the text alone.
    void verbatim(std::string_view format, std::string_view text);

private:
    void header(char type, long long count);

    std::string& out_;
    Protocol protocol_;
};

/// Appends `argv` as an array of bulk strings: `*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`. The one
/// encoding of a command on the wire, in the append-only file and in the replication stream.
void encode_command(std::string& out, std::span<const std::string_view> argv);

/// The same for owned arguments (a command kept after its input buffer is gone).
void encode_command(std::string& out, std::span<const std::string> argv);

/// The same, returned as a new string: `encode_command({"SET", "k", "v"})`.
[[nodiscard]] std::string encode_command(std::initializer_list<std::string_view> argv);
[[nodiscard]] std::string encode_command(std::span<const std::string_view> argv);

}  // namespace resp
