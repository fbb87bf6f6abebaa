// The replica's reading of its master's replies and of the snapshot header, as pure functions
// (replicationReceive() and syncWithMaster() in Redis's replication.c). Introduced in lab 8.
#include "repl/sync_protocol.hpp"

#include "cmd/numbers.hpp"

namespace repl {

namespace {

// Redis's CONFIG_RUN_ID_SIZE: a replication id is 40 hexadecimal characters.
constexpr std::size_t replication_id_size = 40;
// Redis's RDB_EOF_MARK_SIZE: the random bytes that end a diskless snapshot.
constexpr std::size_t eof_mark_size = 40;

}  // namespace

Line take_line(std::string_view bytes) {
    const std::size_t end = bytes.find('\n');
    if (end == std::string_view::npos) {
        Line waiting;
        waiting.status =
            bytes.size() > max_reply_line ? LineStatus::too_long : LineStatus::need_more;
        return waiting;
    }
    std::string_view text = bytes.substr(0, end);
    if (text.ends_with('\r')) text.remove_suffix(1);
    return {.status = LineStatus::complete, .text = text, .consumed = end + 1};
}

PsyncReply parse_psync_reply(std::string_view line) {
    constexpr std::string_view full_resync = "+FULLRESYNC ";
    constexpr std::string_view partial = "+CONTINUE";
    PsyncReply reply;
    if (line.starts_with(full_resync)) {
        const std::string_view words = line.substr(full_resync.size());
        const std::size_t space = words.find(' ');
        const auto offset = space == std::string_view::npos
                                ? std::nullopt
                                : cmd::parse_integer(words.substr(space + 1));
        if (space != replication_id_size || !offset || *offset < 0) {
            reply.answer = PsyncAnswer::malformed;
            return reply;
        }
        reply.answer = PsyncAnswer::full_resync;
        reply.replication_id = words.substr(0, space);
        reply.offset = static_cast<std::uint64_t>(*offset);
        return reply;
    }
    if (line.starts_with(partial)) {
        // "+CONTINUE <id>" from a master whose id changed (it was promoted); "+CONTINUE" alone
        // from one that kept it, or from a Redis older than 4.0.
        const std::string_view rest = line.substr(partial.size());
        reply.answer = PsyncAnswer::partial;
        if (!rest.empty()) reply.replication_id = rest.substr(1);
        return reply;
    }
    return reply;  // refused
}

SnapshotHeader parse_snapshot_header(std::string_view line) {
    constexpr std::string_view eof = "$EOF:";
    SnapshotHeader header;
    if (line.starts_with(eof)) {
        const std::string_view mark = line.substr(eof.size());
        if (mark.size() == eof_mark_size) {
            header.framing = SnapshotFraming::eof_mark;
            header.mark = mark;
        }
        return header;
    }
    const auto length = line.starts_with('$') ? cmd::parse_integer(line.substr(1)) : std::nullopt;
    if (length && *length >= 0) {
        header.framing = SnapshotFraming::length;
        header.length = static_cast<std::size_t>(*length);
    }
    return header;
}

std::optional<std::size_t> eof_snapshot_size(std::string_view received, std::string_view mark) {
    if (received.size() < mark.size() || !received.ends_with(mark)) return std::nullopt;
    return received.size() - mark.size();
}

}  // namespace repl
