// libFuzzer target for what a replica reads from its master after PSYNC: the answer line (with
// keep-alive newlines before it), a full resync's snapshot framed by `$<length>` or
// `$EOF:<mark>`, then the stream of commands. The input is what the master sends; it arrives
// in chunks, as reads from a socket do. It must never crash or hang the replica, every refusal
// must be one master_link.cpp turns into a closed link, and the chunks must not change what is
// read. Introduced in lab 8.
//
// The steps follow MasterLink::Impl::attempt(), full_sync(), stream() and read_line() in
// common/repl/master_link.cpp, with the socket replaced by the input: the rules themselves are
// the functions they call (repl/sync_protocol.hpp, persist::parse_any(), resp::Parser).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.hpp"
#include "persist/file_io.hpp"
#include "persist/snapshot_format.hpp"
#include "repl/sync_protocol.hpp"
#include "resp/parser.hpp"
#include "store/clock.hpp"

namespace {

using fuzz_support::require;

// The link's input buffer, filled from the master's bytes `chunk` at a time.
class Link {
public:
    Link(std::string_view sent, std::size_t chunk) : sent_{sent}, chunk_{chunk} {}

    [[nodiscard]] std::string_view unread() const {
        return std::string_view{input_}.substr(consumed_);
    }
    void consume(std::size_t bytes) {
        require(bytes <= unread().size());
        consumed_ += bytes;
    }
    // One read from the socket; false when the master has sent everything (the link closes).
    bool read_more() {
        if (delivered_ == sent_.size()) return false;
        const std::size_t bytes = std::min(chunk_, sent_.size() - delivered_);
        input_.append(sent_.substr(delivered_, bytes));
        delivered_ += bytes;
        return true;
    }
    // read_line(): a line, or nothing when the link closes or the line is endless.
    std::optional<std::string> read_line(std::vector<std::string>& events) {
        for (;;) {
            const repl::Line line = repl::take_line(unread());
            if (line.status == repl::LineStatus::complete) {
                require(line.consumed <= unread().size());
                require(line.text.find('\n') == std::string_view::npos);
                std::string text{line.text};
                consume(line.consumed);
                return text;
            }
            if (line.status == repl::LineStatus::too_long) {
                events.push_back("error: endless line");
                return std::nullopt;
            }
            if (!read_more()) return std::nullopt;
        }
    }

private:
    std::string_view sent_;
    std::size_t chunk_;
    std::string input_;
    std::size_t consumed_ = 0;
    std::size_t delivered_ = 0;
};

// Reads the snapshot; false when the link closes first. Mirrors full_sync().
bool read_snapshot(Link& link, const repl::SnapshotHeader& header,
                   std::vector<std::string>& events) {
    std::size_t size = 0;
    if (header.framing == repl::SnapshotFraming::eof_mark) {
        std::optional<std::size_t> found;
        while (!(found = repl::eof_snapshot_size(link.unread(), header.mark)))
            if (!link.read_more()) return false;
        size = *found;
    } else {
        size = header.length;
        while (link.unread().size() < size)
            if (!link.read_more()) return false;
    }
    // Replication::load_full_sync(): all keys, expired ones too.
    const std::string_view snapshot = link.unread().substr(0, size);
    try {
        const auto parsed =
            persist::parse_any(snapshot, "the master's snapshot", store::TimePoint::min());
        events.push_back("snapshot: " + std::to_string(parsed.entries.size()) + " keys");
    } catch (const persist::PersistError& error) {
        require(std::string_view{error.what()}.starts_with("the master's snapshot: "));
        events.push_back(std::string{"error: "} + error.what());
        return false;
    }
    link.consume(size + header.mark.size());
    return true;
}

// What the replica makes of `sent`, read `chunk` bytes at a time: one line per event.
std::vector<std::string> replay(std::string_view sent, std::size_t chunk, bool& diskless) {
    std::vector<std::string> events;
    Link link{sent, chunk};

    // attempt(): the answer to PSYNC, after any keep-alives.
    std::optional<std::string> reply;
    do {
        reply = link.read_line(events);
        if (!reply) return events;
    } while (reply->empty());
    const repl::PsyncReply answer = repl::parse_psync_reply(*reply);
    switch (answer.answer) {
        case repl::PsyncAnswer::full_resync: {
            require(answer.replication_id.size() == 40);
            events.push_back("full resync " + answer.replication_id + " " +
                             std::to_string(answer.offset));
            std::optional<std::string> line;
            do {
                line = link.read_line(events);
                if (!line) return events;
            } while (line->empty());
            const repl::SnapshotHeader header = repl::parse_snapshot_header(*line);
            if (header.framing == repl::SnapshotFraming::malformed) {
                events.push_back("error: bad snapshot header");
                return events;
            }
            require(header.framing == repl::SnapshotFraming::length || header.mark.size() == 40);
            diskless = header.framing == repl::SnapshotFraming::eof_mark;
            if (!read_snapshot(link, header, events)) return events;
            break;
        }
        case repl::PsyncAnswer::partial:
            events.push_back("continue " + answer.replication_id);
            break;
        case repl::PsyncAnswer::malformed:
        case repl::PsyncAnswer::refused:
            events.push_back("error: PSYNC answered " + *reply);
            return events;
    }

    // stream(): each complete command is applied, then its bytes count as applied.
    resp::Parser parser;
    std::size_t applied = 0;
    for (;;) {
        while (!link.unread().empty()) {
            const resp::ParseResult result = parser.parse(link.unread());
            require(result.consumed <= link.unread().size());
            if (result.status == resp::ParseStatus::need_more) {
                applied += result.consumed;
                link.consume(result.consumed);
                break;
            }
            if (result.status == resp::ParseStatus::error) {
                events.push_back("error: " + std::string{result.message});
                return events;
            }
            require(result.consumed > 0 && !result.args.empty());
            std::string command = "command";
            for (const std::string_view argument : result.args)
                command += " " + std::to_string(argument.size()) + ":" + std::string{argument};
            events.push_back(std::move(command));
            applied += result.consumed;
            link.consume(result.consumed);
        }
        if (!link.read_more()) {
            // The replication offset the replica reached: the same however the bytes came.
            events.push_back("applied " + std::to_string(applied) + " bytes");
            return events;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    // The first byte picks the size of the socket's reads; the rest is what the master sends.
    const std::size_t chunk = 1 + data[0] % 64;
    const std::string_view sent{reinterpret_cast<const char*>(data + 1), size - 1};
    bool diskless = false;
    const auto whole = replay(sent, std::max<std::size_t>(sent.size(), 1), diskless);
    const auto pieces = replay(sent, chunk, diskless);
    // REPLICA_STREAM_FUZZ_VERBOSE=1 <binary> <file> shows what the replica read from a file.
    if (std::getenv("REPLICA_STREAM_FUZZ_VERBOSE") != nullptr) {
        std::fprintf(stderr, "--- in one read:\n");
        for (const std::string& event : whole)
            std::fprintf(stderr, "%s\n", event.c_str());
        std::fprintf(stderr, "--- in reads of %zu bytes:\n", chunk);
        for (const std::string& event : pieces)
            std::fprintf(stderr, "%s\n", event.c_str());
    }
    // However the bytes arrive, the replica reads the same. Except in a diskless sync, where a
    // read that happens to end with the mark ends the snapshot there (the protocol relies on
    // the mark being 40 random bytes, which never occur inside a real snapshot), and past the
    // line limit, where a line is endless in small reads and may end in one big read.
    if (!diskless && sent.size() <= repl::max_reply_line) require(pieces == whole);
    return 0;
}
