// The read-parse-execute-reply loop over an in-memory buffer, with an optional explanation of
// every step. Introduced in lab 3.
#include "resp/session.hpp"

#include "resp/explain.hpp"
#include "resp/writer.hpp"

namespace resp {

namespace {

// Human forms are padded to this column so the raw bytes line up beside them; a longer one is
// followed by two spaces.
constexpr std::size_t raw_column = 32;

}  // namespace

void Session::explain(std::string& out, char direction, std::string_view human,
                      std::string_view raw) const {
    std::string line{direction};
    line += ' ';
    line += human;
    line.append(line.size() + 2 <= raw_column ? raw_column - line.size() : 2, ' ');
    line += escape_bytes(raw);
    out += line;
    out += '\n';
}

SessionState Session::feed(std::string_view bytes, std::string& out) {
    if (state_ == SessionState::closed) return state_;
    input_.append(bytes);

    std::size_t offset = 0;
    std::string reply;
    for (;;) {
        const ParseResult result = parser_.parse(input_, offset);
        const std::string_view request = std::string_view{input_}.substr(offset, result.consumed);
        offset += result.consumed;
        if (result.status == ParseStatus::need_more) break;

        reply.clear();
        Writer writer{reply};
        if (result.status == ParseStatus::error) {
            // Redis answers a protocol error and closes the connection: the bytes after it
            // cannot be trusted to start a command.
            writer.error(result.message);
            state_ = SessionState::closed;
        } else {
            commands_.execute(result.args, writer);
        }

        if (output_ == Output::raw) {
            out += reply;
        } else if (result.status == ParseStatus::complete) {
            explain(out, '>', describe_command(result.args), request);
            explain(out, '<', describe_reply(reply), reply);
        } else {
            const std::size_t at = consumed_ + offset;
            explain(out, '!', "protocol error at byte " + std::to_string(at),
                    std::string_view{input_}.substr(offset, 16));
            explain(out, '<', describe_reply(reply), reply);
            out += "# closed, as Redis closes a connection after a protocol error\n";
        }
        if (state_ == SessionState::closed) break;
    }
    // One erase per batch: the parser worked with offsets, so nothing moved until now.
    input_.erase(0, offset);
    consumed_ += offset;
    return state_;
}

}  // namespace resp
