// One client's conversation without the socket: bytes in, commands parsed and run, replies out.
// Lab 3's milestone feeds it stdin; the same loop runs over a socket in lab 5. Introduced in
// lab 3.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "resp/basic_commands.hpp"
#include "resp/parser.hpp"
#include "store/keyspace.hpp"

namespace resp {

/// What a session writes for each command.
enum class Output {
    raw,      ///< the replies exactly as a client would receive them
    explain,  ///< per command, a `>` line and a `<` line: human form, then the escaped raw bytes
};

/// Whether the session reads on.
enum class SessionState {
    open,    ///< waiting for more input
    closed,  ///< a protocol error was answered; like Redis, the session reads nothing more
};

/// Buffers input, runs every complete command in it, and appends the replies to an output
/// string: the read-parse-execute-reply loop of a server, with I/O left to the caller.
///
/// The input buffer keeps only the bytes of an unfinished command between feeds: consumed
/// bytes are dropped once per feed (one erase per batch, not one per command).
class Session {
public:
    Session(store::Keyspace& keyspace, Output output) : commands_{keyspace}, output_{output} {}

    /// Appends `bytes` to the input, runs each complete command, and appends the replies (or
    /// explanations) to `out`. After a protocol error it answers the error and returns closed.
    [[nodiscard]] SessionState feed(std::string_view bytes, std::string& out);

    /// Bytes of an unfinished command still buffered: at end of input, 0 means the input ended
    /// cleanly between commands.
    [[nodiscard]] std::size_t pending_bytes() const { return input_.size(); }

    /// Total input bytes consumed so far, including any skipped empty requests.
    [[nodiscard]] std::size_t consumed_bytes() const { return consumed_; }

private:
    void explain(std::string& out, char direction, std::string_view human,
                 std::string_view raw) const;

    Parser parser_;
    BasicCommands commands_;
    Output output_;
    std::string input_;
    std::size_t consumed_ = 0;
    SessionState state_ = SessionState::open;
};

}  // namespace resp
