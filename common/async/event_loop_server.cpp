// The event loop: accepting, the cron, signals, shutdown, blocked clients, and what the command
// layer asks of the server (cmd::ServerControl). Introduced in lab 7.
#include "async/event_loop_server.hpp"

#include <poll.h>

#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <csignal>
#include <utility>
#include <vector>

#include "async/client.hpp"
#include "async/forked_save.hpp"
#include "cmd/errors.hpp"
#include "cmd/security.hpp"
#include "net/socket.hpp"
#include "resp/writer.hpp"
#include "store/keyspace.hpp"
#include "store/list.hpp"

namespace async {

namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto no_throw = asio::experimental::as_tuple(asio::use_awaitable);

// Redis's error for a connection over maxclients, sent before closing it.
constexpr std::string_view max_clients_reached = "-ERR max number of clients reached\r\n";
// Protected mode's refusal, as it goes on the wire.
const std::string protected_mode_denied =
    "-" + std::string{cmd::errors::protected_mode_denied} + "\r\n";

// Active expiry's share of each cron period, as Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC:
// on the loop's one thread, every microsecond it takes is a microsecond no client is served.
constexpr int active_expire_time_percent = 25;

// A client that sent nothing for this long gives its empty input buffer back (Redis frees an
// idle client's query buffer after 2 seconds).
constexpr std::chrono::seconds idle_input_release{2};

// After accept() fails for lack of descriptors (EMFILE), wait this long before trying again
// rather than spinning on a listening socket that stays readable.
constexpr std::chrono::milliseconds accept_retry_delay{100};

}  // namespace

// Everything that needs Asio's types, kept out of the header.
struct EventLoopServer::Loop {
    // One thread runs the loop and touches its sockets and timers, so Asio may drop the locks
    // of its scheduler and reactor (ASIO_CONCURRENCY_HINT_UNSAFE). The append-only file's fsync
    // thread never calls into Asio.
    asio::io_context io{ASIO_CONCURRENCY_HINT_UNSAFE};
    asio::ip::tcp::acceptor acceptor{io};
    asio::signal_set signals{io, SIGINT, SIGTERM};
    asio::steady_timer cron{io};
    asio::steady_timer shutdown_retry{io};  // after a signal whose final save failed
};

EventLoopServer::EventLoopServer(cmd::CommandTable commands, cmd::Config config,
                                 server::ServerSettings settings, server::Logger& log)
    : log_{log},
      settings_{settings},
      state_{clock_, std::move(config)},
      dispatcher_{std::move(commands), state_, *this},
      persistence_{state_, dispatcher_, log_, start_forked_save},
      executable_{server::executable_path()},
      loop_{std::make_unique<Loop>()} {}

EventLoopServer::~EventLoopServer() {
    // The clients' sockets belong to the loop: drop the table's references first, then the
    // loop, whose destruction frees any coroutine still suspended (and its client) while
    // Asio's services still exist.
    clients_.clear();
    // The extension's sockets and timers too belong to the loop: gone before it (a coroutine
    // of the extension still suspended keeps what it uses until the loop frees it).
    extension_.reset();
    loop_.reset();
}

void EventLoopServer::start() {
    persistence_.load();
    // lab 1's Listener resolves the address and binds with SO_REUSEADDR; Asio takes over the
    // descriptor.
    net::Listener listener =
        net::Listener::bind(state_.config.bind, static_cast<std::uint16_t>(state_.config.port));
    const std::string local = net::local_address(listener.native_handle());
    const auto protocol =
        local.find(':') != local.rfind(':') ? asio::ip::tcp::v6() : asio::ip::tcp::v4();
    loop_->acceptor.assign(protocol, listener.release().release());
    if (extension_) extension_->start();
}

std::uint16_t EventLoopServer::port() const {
    asio::error_code error;
    const auto endpoint = loop_->acceptor.local_endpoint(error);
    return error ? 0 : endpoint.port();
}

namespace {

// Whether the peer of `fd` has closed or reset the connection, asked without waiting (as the
// blocking server asks it before serving a parked client).
bool hung_up(int fd) {
    pollfd probe{fd, POLLRDHUP, 0};
    return fd >= 0 && ::poll(&probe, 1, 0) == 1 &&
           (probe.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

// Accepts clients until the acceptor closes.
asio::awaitable<void> accept_loop(asio::ip::tcp::acceptor& acceptor,
                                  std::function<void(asio::ip::tcp::socket)> admit,
                                  server::Logger& log) {
    asio::steady_timer pause{acceptor.get_executor()};
    for (;;) {
        auto [error, socket] = co_await acceptor.async_accept(no_throw);
        if (!acceptor.is_open()) co_return;
        if (error) {
            if (error == asio::error::operation_aborted) co_return;
            log.warning("accepting a client: " + error.message());
            pause.expires_after(accept_retry_delay);
            co_await pause.async_wait(no_throw);
            continue;
        }
        admit(std::move(socket));
    }
}

}  // namespace

// Starts one of the loop's own tasks. Not asio::detached, which drops an exception: without
// its accept loop, cron or signal handling the server is not whole, so a failure stops it.
//
// `task` is a callable returning the coroutine, not the coroutine itself: co_spawn keeps the
// callable alive while the coroutine runs. A lambda coroutine called on the spot would be
// destroyed at the end of the statement, and its captures (`this`) with it, while the
// coroutine, still suspended, goes on using them (AddressSanitizer: stack-use-after-scope).
template <class Server, class Task>
void spawn(asio::io_context& io, Server& server, std::string_view what, Task task) {
    asio::co_spawn(io, std::move(task),
                   [&server, name = std::string{what}](const std::exception_ptr& failure) {
                       if (failure) server.task_failed(name, failure);
                   });
}

int EventLoopServer::run() {
    log_.notice("listening on " + state_.config.bind + ":" + std::to_string(port()) +
                " (one thread, an event loop over epoll; Ctrl-C stops)");
    Loop& loop = *loop_;

    spawn(loop.io, *this, "the accept loop", [this, &loop] {
        return accept_loop(
            loop.acceptor,
            [this](asio::ip::tcp::socket socket) {
                // Refusals are best effort, as in Redis's acceptCommonHandler(): one try at
                // the message, then close; counted as rejected, not as received.
                const auto refuse = [this, &socket](std::string_view message) {
                    asio::error_code ignored;
                    socket.non_blocking(true, ignored);
                    socket.write_some(asio::buffer(message), ignored);
                    ++state_.stats.rejected_connections;
                };
                if (clients_.size() >= static_cast<std::size_t>(state_.config.maxclients)) {
                    refuse(max_clients_reached);
                    return;
                }
                std::string peer = net::peer_address(socket.native_handle());
                if (cmd::protected_mode_refuses(state_.config, peer)) {
                    refuse(protected_mode_denied);
                    return;
                }
                ++state_.stats.total_connections_received;
                asio::error_code ignored;
                socket.set_option(asio::ip::tcp::no_delay{true}, ignored);  // as Redis does
                socket.non_blocking(true, ignored);
                cmd::Session session;
                session.id = next_client_id_++;
                session.fd = socket.native_handle();
                session.peer_address = std::move(peer);
                session.local_address = net::local_address(session.fd);
                session.created_at = session.last_interaction = clock_.now();
                session.authenticated = state_.config.requirepass.empty();
                auto client =
                    std::make_shared<Client>(std::move(socket), std::move(session), *this);
                clients_.emplace(client->session.id, client);
                asio::co_spawn(loop_->io, client->serve(), asio::detached);
            },
            log_);
    });

    // The cron: Redis's serverCron, hz times a second.
    spawn(loop.io, *this, "the cron", [this]() -> asio::awaitable<void> {
        for (;;) {
            loop_->cron.expires_after(cron_period());
            const auto [error] = co_await loop_->cron.async_wait(no_throw);
            if (error || stopping_) co_return;
            cron_tick();
        }
    });

    // SIGINT and SIGTERM: save as configured and stop; if the save fails, keep serving and
    // try again a little later (or at the next signal).
    spawn(loop.io, *this, "the signal handler", [this]() -> asio::awaitable<void> {
        asio::steady_timer& retry = loop_->shutdown_retry;
        // stop() cancels the waits below; a stop that came meanwhile (SHUTDOWN NOSAVE during
        // the retry's wait) is seen here, or the coroutine would wait on the cancelled signal
        // set for ever and run() would never return.
        while (!stopping_) {
            const auto [error, signal] = co_await loop_->signals.async_wait(no_throw);
            if (error || stopping_) co_return;
            log_.notice("received SIGINT or SIGTERM: shutting down");
            while (!stopping_) {
                if (persistence_.shutdown(cmd::ShutdownMode::default_mode)) {
                    stop();
                    co_return;
                }
                log_.warning(
                    "errors trying to shut down the server: still running; the final save "
                    "is retried in 5 s (SHUTDOWN NOSAVE stops without it)");
                retry.expires_after(server::background_save_retry_delay);
                co_await retry.async_wait(no_throw);
            }
        }
    });

    loop.io.run();
    log_.notice("ready to exit, bye bye");
    return exit_status_;
}

void EventLoopServer::stop() {
    stopping_ = true;
    asio::error_code ignored;
    loop_->acceptor.close(ignored);
    loop_->signals.cancel(ignored);
    loop_->cron.cancel();
    loop_->shutdown_retry.cancel();
    if (extension_) extension_->stop();
    // Each client's coroutine sees its wait cancelled and ends; then run() returns.
    for (auto& [id, client] : clients_)
        client->kill();
}

std::chrono::microseconds EventLoopServer::cron_period() const {
    return std::chrono::microseconds{1'000'000 / std::max(1, state_.config.hz)};
}

void EventLoopServer::cron_tick() {
    (void)dispatcher_.active_expire(cron_period() * active_expire_time_percent / 100);
    persistence_.cron(clock_.now());
    const store::TimePoint now = clock_.now();
    for (auto& [id, client] : clients_) {
        if (now - client->session.last_interaction > idle_input_release) {
            client->release_idle_input();
        }
    }
    if (extension_) extension_->cron();
}

void EventLoopServer::task_failed(std::string_view what, const std::exception_ptr& failure) {
    try {
        std::rethrow_exception(failure);
    } catch (const std::exception& error) {
        log_.warning(std::string{what} + " failed: " + error.what() + "; stopping");
    }
    exit_status_ = 1;
    if (!stopping_) stop();
}

// --- What clients call ---

cmd::Outcome EventLoopServer::run_command(Client& client, std::span<const std::string_view> argv) {
    if (const auto refusal = persistence_.write_refusal(argv)) {
        resp::Writer{client.output, client.session.protocol}.error(*refusal);
        return cmd::Outcome::replied;
    }
    const cmd::Outcome outcome = dispatcher_.execute(client.session, argv, client.output);
    if (outcome == cmd::Outcome::cross_protocol_attack) {
        if (security_warnings_.allow(clock_.now())) log_.warning(cmd::cross_protocol_warning);
        return outcome;  // the client closes, sending nothing more
    }
    if (outcome == cmd::Outcome::blocked) {
        if (client.session.blocked->acks) {
            ack_waiters_.push_back(&client);  // WAIT: served by acknowledgements, not keys
        } else {
            blocked_.park(client, client.session.blocked->keys);
        }
    }
    serve_blocked_clients();
    return outcome;
}

void EventLoopServer::run_master_command(cmd::Session& session,
                                         std::span<const std::string_view> argv, std::string& out) {
    (void)dispatcher_.execute(session, argv, out);
    serve_blocked_clients();
}

void EventLoopServer::serve_ack_waiters() {
    std::erase_if(ack_waiters_, [this](Client* client) {
        if (!dispatcher_.retry_ack_wait(client->session, client->output)) return false;
        client->wake_served();
        return true;
    });
}

void EventLoopServer::unblock_all_clients() {
    for (auto& [id, client] : clients_) {
        if (!client->session.blocked) continue;
        drop_block(*client);
        resp::Writer{client->output, client->session.protocol}.error(
            cmd::errors::unblocked_by_role_change);
        client->session.close_after_reply = true;
        client->wake_served();
    }
}

void EventLoopServer::serve_blocked_clients() {
    blocked_.serve(state_.db, [this](Client& client) {
        if (hung_up(client.session.fd)) {
            // Gone, and its coroutine not resumed yet to see it: the hang-up and this push can
            // come in one batch of events, and the parked coroutine resumes one hop later (its
            // timer's cancellation is queued first). Not served; kill() ends it.
            client.kill();
            return false;
        }
        if (dispatcher_.retry_blocked(client.session, client.output) != cmd::Outcome::replied) {
            return false;
        }
        client.wake_served();
        return true;
    });
}

void EventLoopServer::time_out(Client& client) {
    blocked_.forget(client);
    std::erase(ack_waiters_, &client);
    dispatcher_.time_out_blocked(client.session, client.output);
}

void EventLoopServer::drop_block(Client& client) {
    blocked_.forget(client);
    std::erase(ack_waiters_, &client);
    client.session.blocked.reset();
}

void EventLoopServer::client_closed(Client& client) {
    if (extension_) extension_->client_closed(client);
    clients_.erase(client.session.id);
}

// --- cmd::ServerControl ---

bool EventLoopServer::save() {
    return persistence_.save();
}

cmd::BackgroundSaveStart EventLoopServer::background_save() {
    return persistence_.background_save();
}

cmd::PersistenceStatus EventLoopServer::persistence() const {
    return persistence_.status();
}

bool EventLoopServer::request_shutdown(cmd::ShutdownMode mode) {
    log_.notice("user requested shutdown...");
    if (!persistence_.shutdown(mode)) return false;
    // Not stop() here: this command's client is running. Close everything on the loop's
    // next turn; meanwhile no command runs (stopping_).
    stopping_ = true;
    asio::post(loop_->io, [this] { stop(); });
    return true;
}

void EventLoopServer::for_each_client(const std::function<void(const cmd::Session&)>& visit) const {
    for (const auto& [id, client] : clients_)
        visit(client->session);
    if (extension_) extension_->for_each_session(visit);
}

std::size_t EventLoopServer::client_count() const {
    // Redis's connected_clients leaves the replicas out (they are connected_slaves).
    return static_cast<std::size_t>(std::count_if(
        clients_.begin(), clients_.end(),
        [](const auto& entry) { return entry.second->session.kind != cmd::ClientKind::replica; }));
}

bool EventLoopServer::kill_client(std::uint64_t id) {
    const auto position = clients_.find(id);
    if (position == clients_.end()) return extension_ && extension_->kill_session(id);
    position->second->kill();
    return true;
}

cmd::ServerIdentity EventLoopServer::identity() const {
    cmd::ServerIdentity identity;
    identity.tcp_port = port();
    identity.multiplexing_api = "epoll";
    identity.executable = executable_;
    return identity;
}

std::optional<std::string> EventLoopServer::config_changed(std::string_view option) {
    return persistence_.option_changed(option);
}

cmd::Replication* EventLoopServer::replication() {
    return extension_ ? extension_->replication() : nullptr;
}

// --- What lab 8's replication uses ---

void EventLoopServer::set_extension(std::unique_ptr<ServerExtension> extension) {
    extension_ = std::move(extension);
}

asio::io_context& EventLoopServer::io() {
    return loop_->io;
}

std::shared_ptr<Client> EventLoopServer::find_client(std::uint64_t id) const {
    const auto position = clients_.find(id);
    return position == clients_.end() ? nullptr : position->second;
}

std::unique_ptr<server::RunnableServer> make_event_loop_server(cmd::CommandTable commands,
                                                               cmd::Config config,
                                                               server::ServerSettings settings,
                                                               server::Logger& log) {
    return std::make_unique<EventLoopServer>(std::move(commands), std::move(config), settings, log);
}

}  // namespace async
