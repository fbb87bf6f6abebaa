// The read-parse-run-reply loop of one client of the blocking server. Introduced in lab 5.
#include "server/connection.hpp"

#include <array>
#include <optional>

#include "resp/writer.hpp"

namespace server {

std::string_view describe(ConnectionEnd end) {
    switch (end) {
        case ConnectionEnd::peer_closed:
            return "disconnected";
        case ConnectionEnd::quit:
            return "closed after its last reply (QUIT or CLIENT KILL)";
        case ConnectionEnd::protocol_error:
            return "closed after a protocol error";
        case ConnectionEnd::query_buffer_limit:
            return "closed: it reached the query buffer limit";
        case ConnectionEnd::output_buffer_limit:
            return "closed: it reached the output buffer limit";
        case ConnectionEnd::cross_protocol:
            return "closed: it sent an HTTP request (POST or Host:)";
        case ConnectionEnd::server_stopping:
            return "closed: the server is stopping";
    }
    return "closed";
}

Connection::Connection(net::Socket& socket, cmd::Session& session, CommandRunner& runner,
                       const ServerSettings& limits)
    : socket_{socket}, session_{session}, runner_{runner}, limits_{limits} {
    // The session was made at accept, authenticated unless a password was required then.
    parser_.set_authentication(session_.authenticated ? resp::Authentication::done
                                                      : resp::Authentication::pending);
}

ConnectionEnd Connection::serve() {
    std::array<char, read_chunk_size> chunk;
    std::string out;
    for (;;) {
        const net::Received received = socket_.receive(chunk);
        if (received.status == net::IoStatus::interrupted) continue;
        if (received.status == net::IoStatus::closed) return ConnectionEnd::peer_closed;
        // Checked before parsing, as Redis's readQueryFromClient() does: the unfinished command
        // plus what just arrived. No reply: the client is misbehaving. And checked before the
        // append, so the buffer never grows (doubling, copying) past the limit: a client at
        // the limit costs the limit, not twice it.
        if (input_.size() + received.bytes > limits_.query_buffer_limit) {
            return ConnectionEnd::query_buffer_limit;
        }
        input_.append(chunk.data(), received.bytes);
        uncounted_in_ += received.bytes;

        out.clear();
        const BatchEnd batch = run_batch(out);
        // One send for the whole batch: a client that pipelines 100 commands in one packet
        // gets 100 replies in one packet, not 100 system calls.
        if (!out.empty() && socket_.send_all(out) != net::IoStatus::ok) {
            return ConnectionEnd::peer_closed;
        }
        if (batch == BatchEnd::close) return end_;
    }
}

Connection::BatchEnd Connection::run_batch(std::string& out) {
    // The lock is taken at the first complete command, so half a command waiting for its
    // end costs the other clients nothing; it is held until the batch is done.
    std::unique_lock<std::mutex> lock;
    BatchEnd batch = BatchEnd::read_more;
    std::size_t offset = 0;
    for (;;) {
        const resp::ParseResult result = parser_.parse(input_, offset);
        offset += result.consumed;
        if (result.status == resp::ParseStatus::need_more) break;
        if (!lock.owns_lock()) {
            lock = runner_.lock_commands();
            if (!runner_.accepting_commands()) {
                end_ = ConnectionEnd::server_stopping;
                return BatchEnd::close;
            }
        }
        if (result.status == resp::ParseStatus::error) {
            // Redis answers a protocol error and closes: the bytes after it cannot be trusted
            // to start a command. Replies of the commands before it still go out first.
            resp::Writer{out, session_.protocol}.error(result.message);
            end_ = ConnectionEnd::protocol_error;
            batch = BatchEnd::close;
            break;
        }
        // result.args point into input_, which does not change until the batch is over.
        const cmd::Outcome outcome =
            runner_.run_command(session_, result.args, out, [this](std::string& pending) {
                const bool sent = socket_.send_all(pending) == net::IoStatus::ok;
                sent_early_ += pending.size();
                pending.clear();
                return sent;
            });
        // The next command's headers are read with the limits that hold now (AUTH just ran?).
        parser_.set_authentication(runner_.requires_authentication(session_)
                                       ? resp::Authentication::pending
                                       : resp::Authentication::done);
        if (outcome == cmd::Outcome::cross_protocol_attack) {
            // An HTTP request: Redis frees such a client as it is, its unsent replies with it.
            out.clear();
            end_ = ConnectionEnd::cross_protocol;
            batch = BatchEnd::close;
            break;
        }
        if (out.size() > limits_.output_buffer_limit) {
            // One read's worth of commands can ask for a lot (700 pipelined GETs of a 1 MB
            // value fit in 16 KiB): past the limit the client is closed, nothing sent, as
            // Redis's client-output-buffer-limit does; the memory goes back at once.
            std::string{}.swap(out);
            end_ = ConnectionEnd::output_buffer_limit;
            batch = BatchEnd::close;
            break;
        }
        if (!runner_.accepting_commands()) {  // this command was SHUTDOWN
            end_ = ConnectionEnd::server_stopping;
            batch = BatchEnd::close;
            break;
        }
        if (session_.close_after_reply) {
            end_ = ConnectionEnd::quit;
            batch = BatchEnd::close;
            break;
        }
    }
    // One erase per batch, not one per command: the parser worked with offsets.
    input_.erase(0, offset);
    if (lock.owns_lock()) {
        session_.query_buffer_bytes = input_.size();
        runner_.count_traffic(uncounted_in_, out.size() + sent_early_);
        uncounted_in_ = 0;
        sent_early_ = 0;
    }
    return batch;
}

}  // namespace server
