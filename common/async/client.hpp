// One connection of lab 7's event-loop server: its socket, its buffers and the coroutine that
// serves it. Internal to common/async (it includes Asio). Introduced in lab 7.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/buffer.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "async/input_buffer.hpp"
#include "cmd/session.hpp"
#include "resp/parser.hpp"

namespace async {

class EventLoopServer;

/// A connected client. Owned jointly by the server's table of clients and by its coroutine.
class Client : public std::enable_shared_from_this<Client> {
public:
    Client(asio::ip::tcp::socket socket, cmd::Session session, EventLoopServer& server);
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    /// The connection's whole life: read, run, reply, until it closes. Spawned once.
    asio::awaitable<void> serve();

    /// Ends the connection soon (CLIENT KILL, the server stopping): cancels what the coroutine
    /// waits for; replies already produced are sent when the client killed itself.
    void kill();
    /// Another client's command served this blocked client (its reply is in output): resume.
    void wake_served();
    /// The cron, for a client idle for a while: frees its input buffer if it holds nothing (as
    /// Redis's clientsCronResizeQueryBuffer does), by turning its pending read into a wait.
    void release_idle_input();
    /// Lab 8, a replica of ours: queues bytes of the replication stream and has them sent
    /// (after the current command's batch). Past the replica output buffer limit the
    /// connection is closed: the replica reconnects and resynchronises.
    void deliver(std::string_view bytes);

    cmd::Session session;
    /// Replies not yet handed to the socket. The client's own commands append to it, and so
    /// does another client's command that serves this one's blocking pop.
    std::string output;

private:
    enum class Step { go_on, close };
    // Runs every complete command at the front of the input, stopping at a block or a close.
    Step run_input();
    // Sends what it can of `output` now, without waiting; true when all of it went (or the
    // connection broke, which sets closing_).
    bool write_now();
    // Sends the rest of `output`, and whatever is appended to it meanwhile, waiting for the
    // socket as needed.
    asio::awaitable<Step> flush();
    // Parked in a blocking command: waits for the deadline, a wake-up, or the socket.
    asio::awaitable<Step> wait_while_blocked();
    // Lab 8: the connection after PSYNC: sends the stream as it comes, reads REPLCONF ACKs.
    asio::awaitable<void> serve_replica();
    // Runs one command of a replica, which must produce no reply; close if it does.
    Step run_replica_command(std::span<const std::string_view> argv);
    // A parked client's read: all the socket holds, without waiting. Close when the
    // connection closed or the input outgrew the limit.
    Step read_available();
    // True (and logged) when the input plus `arriving` more bytes is over the query limit.
    [[nodiscard]] bool over_query_limit(std::size_t arriving = 0);
    // Counts bytes that went out (INFO stats, and what is left of a replica's snapshot).
    void count_sent(std::size_t bytes);
    // Where the next read goes: the input buffer's free end, at least one read's worth.
    [[nodiscard]] asio::mutable_buffer read_space();

    asio::ip::tcp::socket socket_;
    EventLoopServer& server_;
    resp::Parser parser_;
    InputBuffer input_;
    std::string writing_;      // the buffer being written; output fills meanwhile
    asio::steady_timer wake_;  // a parked client's deadline; cancelled to wake it early
    bool served_ = false;      // set with wake_served()
    bool reading_ = false;     // suspended in async_read_some, into the input's free space
    bool idle_ = false;        // the cron took the input buffer back (release_idle_input())
    bool closing_ = false;     // close once the output is sent
    bool killed_ = false;      // close now, sending nothing more
    // Lab 8: bytes of PSYNC's answer (the snapshot) not sent yet, exempt from the limit.
    std::size_t synchronization_left_ = 0;
};

}  // namespace async
