// The coroutine of one connection of the event-loop server. Introduced in lab 7.
#include "async/client.hpp"

#include <algorithm>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <cstring>
#include <exception>
#include <utility>

#include "async/event_loop_server.hpp"
#include "resp/writer.hpp"
#include "server/settings.hpp"

namespace async {

namespace {

using namespace asio::experimental::awaitable_operators;

// Completion tokens that hand the error code back instead of throwing it: a closed connection
// is the normal end of a client, not an exception.
constexpr auto no_throw = asio::experimental::as_tuple(asio::use_awaitable);

// An output buffer this big that is empty again is freed rather than kept for the next batch.
constexpr std::size_t idle_buffer_keep = 64 * 1024;

// The longest single wait of a parked client: a far deadline (BLPOP k 1e15) must not overflow
// the timer's arithmetic; the loop waits again.
constexpr std::chrono::hours longest_wait{1};

}  // namespace

// --- Client ---

asio::mutable_buffer Client::read_space() {
    // Never more than the query buffer limit allows: near it, the buffer is not doubled for a
    // read that can only end in closing the client. The callers read only below the limit.
    const std::size_t allowed = server_.settings().query_buffer_limit - input_.size();
    const std::span<char> space = input_.space(std::min(server::read_chunk_size, allowed));
    return {space.data(), space.size()};
}

Client::Client(asio::ip::tcp::socket socket, cmd::Session state, EventLoopServer& server)
    : session{std::move(state)},
      socket_{std::move(socket)},
      server_{server},
      wake_{socket_.get_executor()} {}

void Client::kill() {
    session.close_after_reply = true;
    closing_ = true;
    wake_.cancel();
    asio::error_code ignored;
    socket_.cancel(ignored);  // a pending read or write ends with operation_aborted
}

void Client::wake_served() {
    served_ = true;
    wake_.cancel();
}

asio::awaitable<void> Client::serve() {
    const auto self = shared_from_this();  // alive until the coroutine ends
    try {
        for (;;) {
            Step step = run_input();
            // One write for every reply the batch produced (pipelining): a client that sends
            // 100 commands in one packet gets 100 replies in one packet, one system call.
            // Tried at once, as Redis does before going back to epoll_wait; the coroutine
            // waits only when the kernel's send buffer is full (a slow reader).
            if (!output.empty() && !write_now() && co_await flush() == Step::close) break;
            if (step == Step::close || closing_) break;
            if (session.kind == cmd::ClientKind::replica) {  // lab 8: PSYNC made it a replica
                co_await serve_replica();
                break;
            }
            if (session.blocked) {
                if (co_await wait_while_blocked() == Step::close) break;
                continue;  // served or timed out: its reply goes out, then the rest of the input
            }
            if (idle_) {
                // The cron found the client idle and took its buffer back (Redis frees an idle
                // client's query buffer too): wait until something arrives, holding none.
                if (input_.empty()) {
                    input_.release();
                    session.query_buffer_free = 0;
                }
                const auto [error] =
                    co_await socket_.async_wait(asio::socket_base::wait_read, no_throw);
                idle_ = false;
                if (error || closing_) break;  // kill() cancelled the wait
            }
            if (input_.size() >= server_.settings().query_buffer_limit) {
                // One more byte passes the limit: wait for it without growing (doubling) a
                // buffer of the limit's size, then close. A client at the limit costs the limit.
                const auto [error] =
                    co_await socket_.async_wait(asio::socket_base::wait_read, no_throw);
                asio::error_code ignored;
                if (!error && !closing_ && socket_.available(ignored) > 0) {
                    (void)over_query_limit(1);  // logs it
                }
                break;
            }
            // Asio tries recv() at once and waits for epoll only when it finds nothing (EAGAIN).
            reading_ = true;
            const auto [error, bytes] = co_await socket_.async_read_some(read_space(), no_throw);
            reading_ = false;
            if (error == asio::error::operation_aborted && idle_ && !closing_) continue;
            if (error || closing_) break;  // the peer hung up, or kill() cancelled the read
            input_.commit(bytes);
            server_.count_read(bytes);
            if (over_query_limit()) break;
        }
    } catch (const std::exception& failure) {
        // The connection boundary: nothing thrown while serving one client reaches the others.
        server_.log().warning("client id=" + std::to_string(session.id) + " addr=" +
                              session.peer_address + ": " + failure.what() + "; connection closed");
    }
    if (session.blocked) server_.drop_block(*this);
    asio::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    server_.client_closed(*this);
}

Client::Step Client::run_input() {
    Step step = Step::go_on;
    while (!input_.empty() && !session.blocked) {
        if (server_.stopping()) return Step::close;
        // Asked before every command: AUTH, or another client's CONFIG SET requirepass, may
        // have changed the answer since the last one.
        parser_.set_authentication(server_.dispatcher().requires_authentication(session)
                                       ? resp::Authentication::pending
                                       : resp::Authentication::done);
        const resp::ParseResult result = parser_.parse(input_.data());
        if (result.status == resp::ParseStatus::need_more) break;
        if (result.status == resp::ParseStatus::error) {
            // Redis answers a protocol error and closes: the bytes after it cannot be trusted
            // to start a command. The replies of the commands before it still go out.
            resp::Writer{output, session.protocol}.error(result.message);
            step = Step::close;
            break;
        }
        // result.args are views into the input buffer, valid until the next read into it.
        if (session.kind == cmd::ClientKind::replica) {
            step = run_replica_command(result.args);
            input_.consume(result.consumed);
            if (step == Step::close) break;
            continue;
        }
        const cmd::Outcome outcome = server_.run_command(*this, result.args);
        input_.consume(result.consumed);
        if (outcome == cmd::Outcome::cross_protocol_attack) {
            // An HTTP request: close at once, without a reply, and without the replies of the
            // commands before it that are still here (Redis frees such a client as is).
            output.clear();
            return Step::close;
        }
        if (session.kind == cmd::ClientKind::replica) {  // PSYNC: serve_replica() goes on
            // What PSYNC queued (+FULLRESYNC and the snapshot, or the backlog) is not stream
            // piling up: it does not count against the replica output buffer limit.
            synchronization_left_ = output.size();
            break;
        }
        if (server_.stopping() || session.close_after_reply) {  // SHUTDOWN, QUIT, CLIENT KILL
            step = Step::close;
            break;
        }
        if (output.size() > server_.settings().output_buffer_limit) {
            // Redis's client-output-buffer-limit: a client whose replies pile up (a huge
            // LRANGE, or pipelining without reading) is closed; nothing more is sent to it.
            server_.log().warning(
                "closing client id=" + std::to_string(session.id) +
                " addr=" + session.peer_address + " that reached the output buffer limit (" +
                std::to_string(server_.settings().output_buffer_limit) + " bytes)");
            output.clear();
            return Step::close;
        }
    }
    session.query_buffer_bytes = input_.size();
    session.query_buffer_free = input_.capacity() - input_.size();
    input_.shrink_if_idle();
    return step;
}

bool Client::write_now() {
    asio::error_code error;
    // A non-blocking send() (the socket is in non-blocking mode): most replies leave here.
    const std::size_t sent = socket_.write_some(asio::buffer(output), error);
    if (sent > 0) count_sent(sent);
    if (error == asio::error::would_block) return false;
    if (error) {
        closing_ = true;
        output.clear();
        return true;  // nothing more to send: the connection is gone
    }
    output.erase(0, sent);
    return output.empty();
}

asio::awaitable<Client::Step> Client::flush() {
    while (!output.empty()) {
        // Swap, so that what other clients append meanwhile (a served blocking pop) goes to a
        // buffer Asio is not reading from; both keep their capacity for the next batch.
        writing_.swap(output);
        session.output_buffer_bytes = writing_.size();
        // Waits for the socket to become writable as often as it takes (a slow reader).
        const auto [error, bytes] =
            co_await asio::async_write(socket_, asio::buffer(writing_), no_throw);
        count_sent(bytes);
        session.output_buffer_bytes = 0;
        if (writing_.capacity() > idle_buffer_keep) {
            std::string{}.swap(writing_);
        } else {
            writing_.clear();
        }
        if (error) co_return Step::close;
    }
    co_return Step::go_on;
}

asio::awaitable<Client::Step> Client::wait_while_blocked() {
    served_ = false;
    while (session.blocked && !served_ && !closing_ && !server_.stopping()) {
        const auto& deadline = session.blocked->deadline;
        if (deadline) {
            const auto remaining = *deadline - server_.now();
            if (remaining <= std::chrono::milliseconds{0}) {
                server_.time_out(*this);  // the null reply; the block is over
                break;
            }
            wake_.expires_after(std::min<std::chrono::milliseconds>(remaining, longest_wait));
        } else {
            wake_.expires_after(longest_wait);
        }
        // Redis keeps reading a blocked client's socket, to see it leave: a client that
        // disconnects while parked must not be served an element nobody will read.
        const auto woken = co_await (wake_.async_wait(no_throw) ||
                                     socket_.async_wait(asio::socket_base::wait_read, no_throw));
        if (woken.index() == 1 && read_available() == Step::close) co_return Step::close;
    }
    co_return closing_ ? Step::close : Step::go_on;
}

Client::Step Client::read_available() {
    for (;;) {
        asio::error_code error;
        if (input_.size() >= server_.settings().query_buffer_limit) {
            // As in serve(): at the limit, anything more closes; the buffer does not grow.
            if (socket_.available(error) == 0 && !error) return Step::go_on;
            if (!error) (void)over_query_limit(1);
            return Step::close;
        }
        // A non-blocking recv() (the socket is in non-blocking mode), until nothing is left.
        const std::size_t bytes = socket_.read_some(read_space(), error);
        if (error == asio::error::would_block) return Step::go_on;
        if (error) return Step::close;  // end of file, reset: the client left
        input_.commit(bytes);
        server_.count_read(bytes);
        if (over_query_limit()) return Step::close;
    }
}

Client::Step Client::run_replica_command(std::span<const std::string_view> argv) {
    // The stream not yet sent stays aside: whatever lands in `output` now is a reply.
    std::string stream;
    stream.swap(output);
    (void)server_.run_command(*this, argv);
    const bool replied = !output.empty();
    output.swap(stream);
    if (!replied) return Step::go_on;
    // Redis 7 too: a reply on the replication link would corrupt what the replica reads.
    server_.log().warning("closing replica id=" + std::to_string(session.id) +
                          " addr=" + session.peer_address + ": it sent '" + std::string{argv[0]} +
                          "', which has a reply");
    return Step::close;
}

void Client::count_sent(std::size_t bytes) {
    server_.count_write(bytes);
    synchronization_left_ -= std::min(synchronization_left_, bytes);
}

void Client::deliver(std::string_view bytes) {
    if (closing_) return;
    const bool was_idle = output.empty();
    output.append(bytes);
    const std::size_t pending = output.size() + writing_.size() - synchronization_left_;
    if (pending > server_.settings().replica_output_buffer_limit) {
        server_.log().warning(
            "closing replica id=" + std::to_string(session.id) + " addr=" + session.peer_address +
            " that reached the replica output buffer limit (" +
            std::to_string(server_.settings().replica_output_buffer_limit) + " bytes)");
        output.clear();
        kill();
        return;
    }
    // Its coroutine waits on wake_ while it has nothing to send; when it is sending, it finds
    // the new bytes once the send completes.
    if (was_idle) wake_.cancel();
}

asio::awaitable<void> Client::serve_replica() {
    for (;;) {
        if (!output.empty() && !write_now() && co_await flush() == Step::close) co_return;
        if (closing_ || server_.stopping()) co_return;
        if (!input_.empty()) {  // REPLCONF ACK, perhaps several
            const std::size_t before = input_.size();
            if (run_input() == Step::close) co_return;
            if (input_.size() != before) continue;  // else: half a command, wait for the rest
        }
        wake_.expires_after(longest_wait);
        const auto woken = co_await (wake_.async_wait(no_throw) ||
                                     socket_.async_wait(asio::socket_base::wait_read, no_throw));
        if (woken.index() == 1 && read_available() == Step::close) co_return;
    }
}

void Client::release_idle_input() {
    // Only while the coroutine waits in its read, whose buffer is the input's free space:
    // cancel the read; the coroutine gives the buffer back and waits for readability.
    if (!reading_ || idle_ || !input_.empty()) return;
    idle_ = true;
    asio::error_code ignored;
    socket_.cancel(ignored);
}

bool Client::over_query_limit(std::size_t arriving) {
    // Checked before parsing, as Redis's readQueryFromClient() does: the buffer holds the
    // unfinished command plus what just arrived. No reply: the client is misbehaving.
    if (input_.size() + arriving <= server_.settings().query_buffer_limit) return false;
    server_.log().warning("closing client id=" + std::to_string(session.id) + " addr=" +
                          session.peer_address + " that reached the query buffer limit (" +
                          std::to_string(server_.settings().query_buffer_limit) + " bytes)");
    return true;
}

}  // namespace async
