// What a replica reads from its master before the stream of commands: the one-line replies of
// the handshake, the answer to PSYNC, and the header that frames a full resync's snapshot. Pure
// functions over bytes, so that master_link.cpp keeps only the I/O, and the rules can be tested
// and fuzzed without a socket (tests/lab8_replication/). Introduced in lab 8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace repl {

/// The longest reply line a replica waits for; a master that sends more without a newline is
/// broken. Redis reads these lines with a fixed buffer too (connSyncReadLine()).
inline constexpr std::size_t max_reply_line = 64 * 1024;

/// The outcome of take_line().
enum class LineStatus {
    complete,   ///< a whole line: see Line::text and Line::consumed
    need_more,  ///< no newline yet, and not too long to wait for one
    too_long,   ///< more than max_reply_line bytes and still no newline
};

/// A line at the front of a buffer.
struct Line {
    LineStatus status = LineStatus::need_more;
    std::string_view text;     ///< without its "\r\n" or "\n" (complete only)
    std::size_t consumed = 0;  ///< bytes up to and including the '\n' (complete only)
};

/// Takes the line that starts `bytes`. Lines end with "\r\n"; a lone "\n" is a keep-alive,
/// which a master sends while it prepares a snapshot, and comes back as an empty line.
[[nodiscard]] Line take_line(std::string_view bytes);

/// What the master answered to `PSYNC <id> <offset>`.
enum class PsyncAnswer {
    full_resync,  ///< `+FULLRESYNC <id> <offset>`: a snapshot follows
    partial,      ///< `+CONTINUE [<id>]`: the stream goes on from our offset
    malformed,    ///< `+FULLRESYNC` with a bad id or offset
    refused,      ///< anything else (`-NOMASTERLINK ...`, `-LOADING ...`)
};

/// The answer to PSYNC, read from its line.
struct PsyncReply {
    PsyncAnswer answer = PsyncAnswer::refused;
    /// The master's replication id: 40 characters for full_resync; for partial, the id the
    /// master gave, or empty when it gave none (its id is unchanged).
    std::string replication_id;
    std::uint64_t offset = 0;  ///< full_resync: the offset the snapshot stands at
};

/// +FULLRESYNC <40-character id> <offset>
/// +CONTINUE [<id>]
[[nodiscard]] PsyncReply parse_psync_reply(std::string_view line);

/// How the snapshot of a full resync is framed.
enum class SnapshotFraming {
    length,     ///< `$<length>`: that many bytes follow, with no CRLF after them
    eof_mark,   ///< `$EOF:<40 bytes>`: the bytes follow until that mark (a diskless sync)
    malformed,  ///< neither
};

/// The header line of a full resync's snapshot.
struct SnapshotHeader {
    SnapshotFraming framing = SnapshotFraming::malformed;
    std::size_t length = 0;  ///< length only
    std::string mark;        ///< eof_mark only: the 40 bytes that end the snapshot
};

/// $<length>
/// $EOF:<40 bytes>
[[nodiscard]] SnapshotHeader parse_snapshot_header(std::string_view line);

/// For `$EOF:` framing: the snapshot's size when `received` (everything read since the header)
/// ends with `mark`, or nothing while it does not. The master sends nothing after the mark until
/// the replica's first acknowledgement, so the mark ends what has been read once it is all in.
[[nodiscard]] std::optional<std::size_t> eof_snapshot_size(std::string_view received,
                                                           std::string_view mark);

}  // namespace repl
