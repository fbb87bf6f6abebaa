// The blocking server: the accept loop, the one command lock, the cron's work, shutdown, and
// what the command layer asks of the server (cmd::ServerControl). Introduced in lab 5.
#include "server/blocking_server.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <exception>
#include <filesystem>
#include <iterator>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "cmd/errors.hpp"
#include "net/signals.hpp"
#include "resp/writer.hpp"
#include "store/keyspace.hpp"
#include "store/list.hpp"

namespace server {

namespace {

using SteadyClock = std::chrono::steady_clock;

// Redis's error for a connection over maxclients, sent before closing it.
constexpr std::string_view max_clients_reached = "-ERR max number of clients reached\r\n";
// Protected mode's refusal, as it goes on the wire.
const std::string protected_mode_denied =
    "-" + std::string{cmd::errors::protected_mode_denied} + "\r\n";

// Active expiry may use this share of each cron period (Redis's
// ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC): with hz 10, 25 ms of every 100. The cycle samples the
// keys with a deadline in loops of 20 and stops early once a loop finds at most 10% of them
// expired, so on a keyspace with few expired keys it costs microseconds, however many keys
// there are; only a backlog of expired keys makes it use the whole share.
constexpr int active_expire_time_percent = 25;

// Whether the peer of `fd` has closed or reset the connection: a client gone, even with its
// last bytes still unread. Asked without waiting.
bool hung_up(int fd) {
    pollfd probe{fd, POLLRDHUP, 0};
    return fd >= 0 && ::poll(&probe, 1, 0) == 1 &&
           (probe.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

}  // namespace

BlockingServer::BlockingServer(cmd::CommandTable commands, cmd::Config config,
                               ServerSettings settings, Logger& log)
    : log_{log},
      settings_{settings},
      state_{clock_, std::move(config)},
      dispatcher_{std::move(commands), state_, *this},
      persistence_{state_, dispatcher_, log_},
      executable_{executable_path()} {}

BlockingServer::~BlockingServer() = default;

void BlockingServer::start() {
    // Block the stop signals here, before any thread exists (the AOF's fsync thread, the
    // cron, the clients): they all inherit the mask, and only run()'s ppoll() receives them.
    sigset_t stop_signals;
    ::sigemptyset(&stop_signals);
    ::sigaddset(&stop_signals, SIGINT);
    ::sigaddset(&stop_signals, SIGTERM);
    ::pthread_sigmask(SIG_BLOCK, &stop_signals, &wait_mask_);
    ::sigdelset(&wait_mask_, SIGINT);
    ::sigdelset(&wait_mask_, SIGTERM);

    int pipe_ends[2];
    if (::pipe2(pipe_ends, O_CLOEXEC | O_NONBLOCK) != 0) {
        throw std::system_error{errno, std::generic_category(), "pipe"};
    }
    wake_read_.reset(pipe_ends[0]);
    wake_write_.reset(pipe_ends[1]);

    {
        const std::scoped_lock lock{command_mutex_};
        persistence_.load();
    }
    listener_.emplace(
        net::Listener::bind(state_.config.bind, static_cast<std::uint16_t>(state_.config.port)));
}

std::uint16_t BlockingServer::port() const {
    return listener_ ? listener_->port() : 0;
}

int BlockingServer::run() {
    log_.notice("listening on " + state_.config.bind + ":" + std::to_string(port()) +
                " (a thread per client, one command lock; Ctrl-C stops)");
    cron_.emplace([this] { return cron_tick(); });

    for (;;) {
        if (shutdown_requested_.load()) break;
        if (net::stop_requested() && stop_for_signal()) break;
        std::array<pollfd, 2> waiting{pollfd{listener_->native_handle(), POLLIN, 0},
                                      pollfd{wake_read_.get(), POLLIN, 0}};
        // A timeout, so clients that left are reaped even when nobody connects, and a failed
        // final save is retried.
        const timespec timeout{0, 100'000'000};
        const int ready = ::ppoll(waiting.data(), waiting.size(), &timeout, &wait_mask_);
        if (ready < 0 && errno != EINTR) {
            throw std::system_error{errno, std::generic_category(), "ppoll"};
        }
        if (ready > 0 && (waiting[1].revents & POLLIN) != 0) {
            std::array<char, 64> drained;
            while (::read(wake_read_.get(), drained.data(), drained.size()) > 0) {
            }
        }
        if (ready > 0 && (waiting[0].revents & POLLIN) != 0) accept_client();
        clients_.reap();
    }

    // Nothing runs any more (stopping_ is set): free the port first, as Redis closes its
    // listening sockets before anything else, then stop the cron, close every client, join.
    listener_.reset();
    cron_.reset();
    clients_.close_all();
    clients_.join_all();
    log_.notice("ready to exit, bye bye");
    return 0;
}

void BlockingServer::accept_client() {
    std::optional<net::Socket> socket;
    try {
        socket = listener_->accept();
    } catch (const std::system_error& failure) {
        // Out of descriptors (EMFILE, ENFILE): the server goes on, as Redis's accept handler
        // does, and waits a little, since the listener stays readable until some close.
        log_.warning(std::string{"accepting a client: "} + failure.what());
        std::this_thread::sleep_for(std::chrono::milliseconds{100});
        return;
    }
    if (!socket) return;
    std::size_t max_clients = 0;
    bool refused = false;
    cmd::Session session;
    session.peer_address = socket->peer_name();
    {
        const std::scoped_lock lock{command_mutex_};
        max_clients = static_cast<std::size_t>(state_.config.maxclients);
        session.authenticated = state_.config.requirepass.empty();
        refused = cmd::protected_mode_refuses(state_.config, session.peer_address);
    }
    session.local_address = net::local_address(socket->native_handle());
    session.created_at = session.last_interaction = clock_.now();

    // Refusals are best effort, as in Redis's acceptCommonHandler(): the client may be gone
    // already. They count as rejected connections, not as received ones.
    // A message of a kilobyte or less fits in a new socket's empty send buffer: no wait.
    const auto refuse = [&](std::string_view message) {
        (void)socket->send_all(message);
        const std::scoped_lock lock{command_mutex_};
        ++state_.stats.rejected_connections;
    };
    // Redis checks maxclients first, then protected mode.
    if (clients_.size() < max_clients && refused) return refuse(protected_mode_denied);
    Client* client = clients_.admit(std::move(*socket), std::move(session), max_clients);
    if (client == nullptr) return refuse(max_clients_reached);
    {
        const std::scoped_lock lock{command_mutex_};
        ++state_.stats.total_connections_received;
    }
    if (!clients_.start(*client, [this](Client& served) { serve_client(served); })) {
        log_.warning("cannot start a thread for a new client: connection closed");
    }
}

void BlockingServer::serve_client(Client& client) {
    // The connection boundary: nothing thrown while serving one client may reach the others.
    try {
        Connection connection{client.socket, client.session, *this, settings_};
        const ConnectionEnd end = connection.serve();
        if (end == ConnectionEnd::query_buffer_limit) {
            log_.warning("closing client id=" + std::to_string(client.session.id) + " addr=" +
                         client.session.peer_address + " that reached the query buffer limit (" +
                         std::to_string(settings_.query_buffer_limit) + " bytes)");
        } else if (end == ConnectionEnd::output_buffer_limit) {
            log_.warning("closing client id=" + std::to_string(client.session.id) + " addr=" +
                         client.session.peer_address + " that reached the output buffer limit (" +
                         std::to_string(settings_.output_buffer_limit) + " bytes)");
        }
    } catch (const std::exception& failure) {
        log_.warning("client id=" + std::to_string(client.session.id) + " addr=" +
                     client.session.peer_address + ": " + failure.what() + "; connection closed");
    }
}

std::unique_lock<std::mutex> BlockingServer::lock_commands() {
    return std::unique_lock{command_mutex_};
}

cmd::Outcome BlockingServer::run_command(cmd::Session& session,
                                         std::span<const std::string_view> argv, std::string& out,
                                         const SendPending& send_pending) {
    if (const auto refusal = persistence_.write_refusal(argv)) {
        resp::Writer{out, session.protocol}.error(*refusal);
        return cmd::Outcome::replied;
    }
    const cmd::Outcome outcome = dispatcher_.execute(session, argv, out);
    if (outcome == cmd::Outcome::cross_protocol_attack) {
        if (security_warnings_.allow(clock_.now())) log_.warning(cmd::cross_protocol_warning);
        return outcome;
    }
    serve_blocked_clients();
    if (outcome == cmd::Outcome::blocked) wait_while_blocked(session, out, send_pending);
    return cmd::Outcome::replied;
}

void BlockingServer::wait_while_blocked(cmd::Session& session, std::string& out,
                                        const SendPending& send_pending) {
    std::string reply;  // what serves or times the block out writes, under the lock
    BlockedClient client{&session, &reply};
    blocked_.park(client, session.blocked->keys);
    if (!out.empty()) {
        // The replies of the commands pipelined before this one go out now, as Redis sends
        // them before the client waits (`SET a 1` then `BLPOP l 0`: +OK must not wait for a
        // push). Without the lock, so a slow reader holds up nobody; the client is parked
        // already, so a push meanwhile serves it into `reply` and is seen below.
        const bool sent = [&] {
            command_mutex_.unlock();
            const struct Relock {
                std::mutex& mutex;
                ~Relock() { mutex.lock(); }
            } relock{command_mutex_};
            return send_pending(out);
        }();
        if (!sent) session.close_after_reply = true;  // gone: drop the block below
    }
    // The longest single wait: a far deadline (BLPOP k 1e15) must not overflow the
    // condition variable's clock arithmetic; the loop waits again.
    constexpr auto longest_wait = std::chrono::hours{1};
    for (;;) {
        // A client that disconnects while blocked is noticed at its next wake-up: at its
        // deadline, or when a push finds it gone (serve_blocked_clients() asks the kernel
        // before serving it, and sets close_after_reply).
        if (client.served || stopping_ || session.close_after_reply || !session.blocked) break;
        const auto deadline = session.blocked->deadline;
        if (!deadline) {
            blocked_wakeup_.wait_for(command_mutex_, longest_wait);
            continue;
        }
        const auto remaining = *deadline - clock_.now();
        if (remaining <= std::chrono::milliseconds{0}) {
            blocked_.forget(client);
            dispatcher_.time_out_blocked(session, reply);
            out += reply;
            return;
        }
        blocked_wakeup_.wait_for(command_mutex_,
                                 std::min<std::chrono::milliseconds>(remaining, longest_wait));
    }
    if (!client.served) {
        // Stopping or killed: drop the block without a reply.
        blocked_.forget(client);
        session.blocked.reset();
        return;
    }
    out += reply;
}

void BlockingServer::serve_blocked_clients() {
    bool wake_threads = false;
    blocked_.serve(state_.db, [&](BlockedClient& client) {
        if (hung_up(client.session->fd)) {
            // Its thread sleeps on the condition variable and does not read the socket, so
            // the kernel is asked here, before an element goes to a client that left (Redis's
            // event loop sees the hang-up and unblocks it first). Woken, the thread drops the
            // block and closes; the element stays for the next waiter.
            client.session->close_after_reply = true;
            wake_threads = true;
            return false;
        }
        if (dispatcher_.retry_blocked(*client.session, *client.out) != cmd::Outcome::replied) {
            return false;
        }
        client.served = true;
        wake_threads = true;
        return true;
    });
    if (wake_threads) blocked_wakeup_.notify_all();
}

void BlockingServer::count_traffic(std::size_t bytes_in, std::size_t bytes_out) {
    state_.stats.total_net_input_bytes += bytes_in;
    state_.stats.total_net_output_bytes += bytes_out;
    // One receive() per batch, and one send_all() when the batch has replies.
    if (bytes_in > 0) ++state_.stats.total_reads_processed;
    if (bytes_out > 0) ++state_.stats.total_writes_processed;
}

std::chrono::milliseconds BlockingServer::cron_tick() {
    const std::scoped_lock lock{command_mutex_};
    const auto period = std::chrono::milliseconds{1000 / std::max(1, state_.config.hz)};
    if (stopping_) return period;
    const std::chrono::microseconds period_us = period;  // before the division: hz up to 500
    (void)dispatcher_.active_expire(period_us * active_expire_time_percent / 100);
    persistence_.cron(clock_.now());
    return period;
}

bool BlockingServer::stop_for_signal() {
    // A failed final save is retried every few seconds, not on every pass of the loop.
    const auto now = SteadyClock::now();
    if (now - last_signal_save_try_ < background_save_retry_delay) return false;
    last_signal_save_try_ = now;
    log_.notice("received SIGINT or SIGTERM: shutting down");
    const std::scoped_lock lock{command_mutex_};
    if (stopping_) return true;
    if (!persistence_.shutdown(cmd::ShutdownMode::default_mode)) {
        log_.warning(
            "errors trying to shut down the server: still running; the final save "
            "is retried in 5 s (SHUTDOWN NOSAVE stops without it)");
        return false;
    }
    stopping_ = true;
    blocked_wakeup_.notify_all();  // blocked clients drop their block and close
    return true;
}

void BlockingServer::wake_accept_loop() {
    const char byte = 1;
    (void)!::write(wake_write_.get(), &byte, 1);  // a full pipe already wakes the loop
}

// --- cmd::ServerControl ---

bool BlockingServer::save() {
    return persistence_.save();
}

cmd::BackgroundSaveStart BlockingServer::background_save() {
    return persistence_.background_save();
}

cmd::PersistenceStatus BlockingServer::persistence() const {
    return persistence_.status();
}

bool BlockingServer::request_shutdown(cmd::ShutdownMode mode) {
    log_.notice("user requested shutdown...");
    if (!persistence_.shutdown(mode)) return false;
    // No command runs after this one: what was saved is what the server had.
    stopping_ = true;
    blocked_wakeup_.notify_all();  // blocked clients drop their block and close
    // Stop listening before this client's connection closes, as Redis closes its listening
    // sockets first, so whoever starts the next server right after (a script, a test) can bind
    // the port. shutdown() takes the socket out of LISTEN at once, from this thread; the accept
    // loop, which polls it, closes it on its way out.
    ::shutdown(listener_->native_handle(), SHUT_RDWR);
    shutdown_requested_.store(true);
    wake_accept_loop();
    return true;
}

void BlockingServer::for_each_client(const std::function<void(const cmd::Session&)>& visit) const {
    clients_.for_each_session(visit);
}

std::size_t BlockingServer::client_count() const {
    return clients_.size();
}

bool BlockingServer::kill_client(std::uint64_t id) {
    const bool killed = clients_.kill(id);
    if (killed) blocked_wakeup_.notify_all();  // a blocked victim wakes and closes
    return killed;
}

cmd::ServerIdentity BlockingServer::identity() const {
    cmd::ServerIdentity identity;
    identity.tcp_port = port();
    identity.multiplexing_api = "threads";
    identity.executable = executable_;
    return identity;
}

std::optional<std::string> BlockingServer::config_changed(std::string_view option) {
    return persistence_.option_changed(option);
}

}  // namespace server
