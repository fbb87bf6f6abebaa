// The replica's side of replication, on the event loop: one coroutine per link that connects,
// handshakes, loads the snapshot, then applies the stream until the link breaks, and again.
// Introduced in lab 8.
#include "repl/master_link.hpp"

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "async/event_loop_server.hpp"
#include "net/socket.hpp"
#include "persist/file_io.hpp"
#include "repl/replication.hpp"
#include "repl/sync_protocol.hpp"
#include "resp/parser.hpp"
#include "resp/writer.hpp"
#include "server/settings.hpp"

namespace repl {

namespace {

constexpr auto no_throw = asio::experimental::as_tuple(asio::use_awaitable);

// Redis sends an acknowledgement every second (replicationCron).
constexpr std::chrono::seconds ack_period{1};

// After a failed attempt the next waits this long, doubling up to the cap. A link that was up
// and broke is retried at once, as Redis 7 does, so that the backlog still holds what it missed.
constexpr std::chrono::milliseconds first_retry_delay{100};
constexpr std::chrono::milliseconds longest_retry_delay{1000};

// A broken link or a refusal: the attempt ends, the link tries again.
class LinkError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

// A command as RESP. Variadic rather than an initializer list: GCC 12 miscompiles a braced
// list inside a co_await expression ("array used as initializer").
template <class... Words>
std::string command_bytes(const Words&... words) {
    const std::string_view argv[] = {std::string_view{words}...};
    std::string bytes;
    resp::encode_command(bytes, std::span<const std::string_view>{argv});
    return bytes;
}

}  // namespace

enum class LinkState { connect, connecting, handshake, sync, connected };

struct MasterLink::Impl : std::enable_shared_from_this<Impl> {
    Impl(Replication& replication, std::string master_host, int master_port)
        : owner{replication},
          server{replication.server()},
          host{std::move(master_host)},
          port{master_port},
          socket{server.io()},
          pause{server.io()} {}

    Replication& owner;
    async::EventLoopServer& server;
    const std::string host;
    const int port;
    asio::ip::tcp::socket socket;
    asio::steady_timer pause;  // the back-off between attempts

    LinkState state = LinkState::connect;
    bool stopped = false;
    bool was_up = false;  // the link was up at least once since the last attempt started
    int failures = 0;
    std::uint64_t generation = 0;  // one per connection: a writer of an old one stops
    store::TimePoint last_io{};
    std::optional<store::TimePoint> down_since;
    store::TimePoint last_ack{};

    // What came from the master and is not consumed yet: [consumed, input.size()).
    std::string input;
    std::size_t consumed = 0;
    std::vector<char> chunk = std::vector<char>(server::read_chunk_size);
    resp::Parser parser;
    std::string discarded;  // replies to the master's commands: nobody reads them

    // What goes to the master (the handshake, ACKs), written by one writer coroutine.
    std::string outgoing;
    std::string writing;
    bool writer_running = false;

    cmd::Session session;

    [[nodiscard]] std::string_view unread() const {
        return std::string_view{input}.substr(consumed);
    }

    void consume(std::size_t bytes) {
        consumed += bytes;
        // Give the space back now and then, not after every command.
        if (consumed == input.size()) {
            input.clear();
            consumed = 0;
        } else if (consumed > server::read_chunk_size * 4) {
            input.erase(0, consumed);
            consumed = 0;
        }
    }

    void log_notice(const std::string& text) { server.log().notice(text); }

    // --- the whole life of the link ---
    asio::awaitable<void> run() {
        while (!stopped) {
            const bool reconnect_at_once = was_up;
            if (!reconnect_at_once && failures > 0) {
                const auto delay = std::min<std::chrono::milliseconds>(
                    first_retry_delay * (1 << std::min(failures - 1, 10)), longest_retry_delay);
                pause.expires_after(delay);
                co_await pause.async_wait(no_throw);
                if (stopped) break;
            }
            was_up = false;
            try {
                co_await attempt();
            } catch (const std::exception& failure) {
                if (!stopped) {
                    server.log().warning("replication link with master " + host + ":" +
                                         std::to_string(port) + ": " + failure.what());
                }
            }
            close_socket();
            if (state == LinkState::connected) down_since = server.now();
            state = LinkState::connect;
            ++failures;
        }
    }

    void close_socket() {
        ++generation;
        asio::error_code ignored;
        socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
        input.clear();
        consumed = 0;
        // The next connection's stream starts afresh: a command half read from this one, or
        // the sticky error of a broken stream, must not swallow its first bytes.
        parser.reset();
        outgoing.clear();
    }

    // One connection: handshake, sync, then the stream until it breaks (an exception).
    asio::awaitable<void> attempt() {
        state = LinkState::connecting;
        last_io = server.now();
        log_notice("connecting to MASTER " + host + ":" + std::to_string(port));
        // Resolved synchronously, as Redis does too (getaddrinfo() in anetTcpGenericConnect):
        // Asio's asynchronous resolver needs a thread, which the loop's single-threaded
        // io_context (ASIO_CONCURRENCY_HINT_UNSAFE) does not allow. An address costs nothing.
        asio::ip::tcp::resolver resolver{server.io()};
        const auto endpoints = resolver.resolve(host, std::to_string(port));
        co_await asio::async_connect(socket, endpoints, asio::use_awaitable);
        socket.set_option(asio::ip::tcp::no_delay{true});
        ++generation;
        state = LinkState::handshake;
        last_io = server.now();

        // PING first: a master that needs AUTH answers NOAUTH, which still shows it is alive.
        const std::string pong = co_await request(command_bytes("PING"));
        if (pong != "+PONG" && !starts_with(pong, "-NOAUTH") && !starts_with(pong, "-NOPERM") &&
            !starts_with(pong, "-ERR operation not permitted")) {
            throw LinkError{"the master answered PING with " + pong};
        }
        const std::string& password = server.state().config.masterauth;
        if (!password.empty()) {
            const std::string reply = co_await request(command_bytes("AUTH", password));
            if (reply != "+OK") throw LinkError{"the master refused AUTH: " + reply};
        }
        // Errors here are not fatal, as in Redis: an older master may not know the option.
        const std::string listening = co_await request(
            command_bytes("REPLCONF", "listening-port", std::to_string(server.port())));
        if (starts_with(listening, "-"))
            log_notice("the master refused REPLCONF listening-port: " + listening);
        // eof: the snapshot may come without a length, ended by a mark (Redis's diskless sync).
        const std::string capa =
            co_await request(command_bytes("REPLCONF", "capa", "eof", "capa", "psync2"));
        if (starts_with(capa, "-")) log_notice("the master refused REPLCONF capa: " + capa);

        const auto [asked_id, asked_offset] = owner.psync_request();
        std::string reply =
            co_await request(command_bytes("PSYNC", asked_id, std::to_string(asked_offset)));
        // A master preparing a full resync sends empty lines to keep the link alive (Redis
        // does while it waits to start the snapshot), then its answer.
        while (reply.empty())
            reply = co_await read_line();
        const PsyncReply answer = parse_psync_reply(reply);
        switch (answer.answer) {
            case PsyncAnswer::full_resync:
                co_await full_sync(answer);
                break;
            case PsyncAnswer::partial: {
                const std::string& id = answer.replication_id;
                owner.continue_sync(id.empty() ? server.state().replication_id : id);
                log_notice("MASTER <-> REPLICA sync: master accepted a partial resynchronization");
                break;
            }
            case PsyncAnswer::malformed:
                throw LinkError{"malformed reply to PSYNC: " + reply};
            case PsyncAnswer::refused:
                throw LinkError{"the master refused PSYNC: " + reply};
        }

        state = LinkState::connected;
        was_up = true;
        failures = 0;
        down_since.reset();
        open_session();
        send_ack();  // at once, as Redis does: the master learns our offset without waiting
        co_await stream();
    }

    // +FULLRESYNC <id> <offset>, then `$<length>\r\n` and that many bytes of snapshot.
    asio::awaitable<void> full_sync(const PsyncReply& reply) {
        const std::string& id = reply.replication_id;
        const std::uint64_t offset = reply.offset;
        state = LinkState::sync;
        log_notice("full resync from master: " + id + ":" + std::to_string(offset));

        // Empty lines before the length are the master's keep-alives while it prepares.
        std::string header;
        do {
            header = co_await read_line();
        } while (header.empty());
        const SnapshotHeader framing = parse_snapshot_header(header);
        std::size_t size = 0;
        switch (framing.framing) {
            case SnapshotFraming::eof_mark: {
                // Diskless: no length; the snapshot ends with the 40 random bytes given here.
                std::optional<std::size_t> found;
                while (!(found = eof_snapshot_size(unread(), framing.mark)))
                    co_await read_more();
                size = *found;
                owner.load_full_sync(id, offset, unread().substr(0, size));
                consume(size + framing.mark.size());
                break;
            }
            case SnapshotFraming::length:
                size = framing.length;
                while (unread().size() < size)
                    co_await read_more();
                // No CRLF after the payload: the stream's first command follows at once.
                owner.load_full_sync(id, offset, unread().substr(0, size));
                consume(size);
                break;
            case SnapshotFraming::malformed:
                throw LinkError{"bad snapshot header from the master: " + header};
        }
        log_notice("MASTER <-> REPLICA sync: loaded " + std::to_string(size) +
                   " bytes of snapshot; finished with success");
    }

    // The stream: apply every complete command, then read more, until the link breaks.
    asio::awaitable<void> stream() {
        for (;;) {
            while (!unread().empty()) {
                const std::string_view bytes = unread();
                const resp::ParseResult result = parser.parse(bytes);
                if (result.status == resp::ParseStatus::need_more) {
                    // The no-op input before an unfinished command (an empty line, `*0`) is
                    // done with: the parser counts the rest of the command from after it.
                    if (result.consumed > 0) {
                        owner.applied(bytes.substr(0, result.consumed));
                        consume(result.consumed);
                    }
                    break;
                }
                if (result.status == resp::ParseStatus::error) {
                    throw LinkError{"protocol error in the master's stream: " +
                                    std::string{result.message}};
                }
                server.run_master_command(session, result.args, discarded);
                discarded.clear();
                if (stopped) co_return;  // the command made us a master (never in practice)
                owner.applied(bytes.substr(0, result.consumed));
                consume(result.consumed);
            }
            co_await read_more();
        }
    }

    void open_session() {
        session = cmd::Session{};
        session.id = server.new_client_id();
        session.kind = cmd::ClientKind::master;
        session.authenticated = true;
        session.fd = socket.native_handle();
        session.peer_address = net::peer_address(session.fd);
        session.local_address = net::local_address(session.fd);
        session.created_at = session.last_interaction = server.now();
        session.last_command = "NULL";
    }

    // --- reading ---
    asio::awaitable<void> read_more() {
        const std::size_t bytes =
            co_await socket.async_read_some(asio::buffer(chunk), asio::use_awaitable);
        input.append(chunk.data(), bytes);
        last_io = server.now();
        session.last_interaction = last_io;
        server.count_read(bytes);
    }

    asio::awaitable<std::string> read_line() {
        for (;;) {
            const Line line = take_line(unread());
            if (line.status == LineStatus::complete) {
                std::string text{line.text};
                consume(line.consumed);
                co_return text;
            }
            if (line.status == LineStatus::too_long)
                throw LinkError{"the master sent an endless line"};
            co_await read_more();
        }
    }

    // Sends one command of the handshake and reads its one-line reply.
    asio::awaitable<std::string> request(std::string command) {
        send(std::move(command));
        co_return co_await read_line();
    }

    // --- writing ---
    void send(std::string bytes) {
        outgoing += bytes;
        if (writer_running) return;
        writer_running = true;
        asio::co_spawn(
            server.io(), [self = shared_from_this()] { return self->write_all(); }, asio::detached);
    }

    asio::awaitable<void> write_all() {
        const std::uint64_t connection = generation;
        while (!outgoing.empty() && connection == generation) {
            writing.swap(outgoing);
            const auto [error, bytes] =
                co_await asio::async_write(socket, asio::buffer(writing), no_throw);
            writing.clear();
            if (error) break;  // the reading side sees the broken link and reconnects
            server.count_write(bytes);
        }
        writer_running = false;
    }

    void send_ack() {
        if (state != LinkState::connected) return;
        last_ack = server.now();
        send(command_bytes("REPLCONF", "ACK", std::to_string(server.state().replication_offset)));
    }
};

MasterLink::MasterLink(Replication& owner, std::string host, int port)
    : impl_{std::make_shared<Impl>(owner, std::move(host), port)} {}

MasterLink::~MasterLink() {
    stop();
}

void MasterLink::start() {
    asio::co_spawn(
        impl_->server.io(), [self = impl_] { return self->run(); }, asio::detached);
}

void MasterLink::stop() {
    impl_->stopped = true;
    impl_->pause.cancel();
    asio::error_code ignored;
    impl_->socket.cancel(ignored);
    impl_->socket.close(ignored);
}

void MasterLink::cron(store::TimePoint now) {
    Impl& link = *impl_;
    if (link.stopped || link.state == LinkState::connect) return;
    const std::chrono::seconds timeout{link.server.state().config.repl_timeout};
    if (now - link.last_io > timeout) {
        // No data and no PING for repl-timeout seconds: the master (or the path to it) is
        // gone. Closing the socket ends the attempt; the link reconnects.
        link.server.log().warning("MASTER timeout: no data nor PING received for " +
                                  std::to_string(timeout.count()) + " seconds");
        asio::error_code ignored;
        link.socket.cancel(ignored);
        link.socket.close(ignored);
        return;
    }
    if (link.state == LinkState::connected && now - link.last_ack >= ack_period) link.send_ack();
}

void MasterLink::send_ack() {
    impl_->send_ack();
}

const std::string& MasterLink::host() const {
    return impl_->host;
}

int MasterLink::port() const {
    return impl_->port;
}

bool MasterLink::connected() const {
    return impl_->state == LinkState::connected;
}

const cmd::Session& MasterLink::session() const {
    return impl_->session;
}

bool MasterLink::kill(std::uint64_t id) {
    if (!connected() || impl_->session.id != id) return false;
    asio::error_code ignored;
    impl_->socket.cancel(ignored);
    impl_->socket.close(ignored);  // the coroutine's read fails; it reconnects at once
    return true;
}

void MasterLink::report(cmd::ReplicationStatus& status, store::TimePoint now) const {
    const Impl& link = *impl_;
    using std::chrono::duration_cast;
    using std::chrono::seconds;
    status.master_host = link.host;
    status.master_port = link.port;
    switch (link.state) {
        case LinkState::connect:
            status.link_state = "connect";
            break;
        case LinkState::connecting:
            status.link_state = "connecting";
            break;
        case LinkState::handshake:
            status.link_state = "handshake";
            break;
        case LinkState::sync:
            status.link_state = "sync";
            break;
        case LinkState::connected:
            status.link_state = "connected";
            break;
    }
    status.link_up = link.state == LinkState::connected;
    status.sync_in_progress = link.state == LinkState::sync;
    status.master_last_io_seconds =
        status.link_up ? duration_cast<seconds>(now - link.last_io).count() : -1;
    status.link_down_seconds =
        link.down_since ? duration_cast<seconds>(now - *link.down_since).count() : -1;
    status.applied_offset = link.server.state().replication_offset;
    status.read_offset = status.applied_offset + (status.link_up ? link.unread().size() : 0);
}

}  // namespace repl
