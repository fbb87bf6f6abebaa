// Lab 7's server: the same commands as labs 5 and 6, served by ONE thread running an event
// loop (standalone Asio over epoll, with C++20 coroutines). No command lock: nothing else
// touches the data. Introduced in lab 7.
//
// This header keeps Asio out (it costs ~15 s per translation unit that includes it): the loop,
// the sockets and the timers live behind `Loop`, defined in event_loop_server.cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/config.hpp"
#include "cmd/dispatcher.hpp"
#include "cmd/security.hpp"
#include "cmd/server_control.hpp"
#include "cmd/server_state.hpp"
#include "server/blocked_queues.hpp"
#include "server/log.hpp"
#include "server/persistence.hpp"
#include "server/program.hpp"
#include "server/settings.hpp"
#include "store/clock.hpp"

namespace asio {
class io_context;  // Asio's, declared here so that this header need not include Asio
}

namespace cmd {
class Replication;
}

namespace async {

class Client;

/// What lab 8's replication (common/repl/) plugs into the loop. The loop calls it at these
/// points and knows nothing else of it, so the layers stay in order: repl/ builds on async/.
class ServerExtension {
public:
    virtual ~ServerExtension() = default;
    /// After the server bound its port, before the loop runs: start the extension's tasks.
    virtual void start() = 0;
    /// The server is stopping: end those tasks, close their connections.
    virtual void stop() = 0;
    /// Once per cron tick (hz times a second).
    virtual void cron() = 0;
    [[nodiscard]] virtual cmd::Replication* replication() = 0;
    /// A client's connection has ended (a replica of ours, for instance).
    virtual void client_closed(Client& client) = 0;
    /// Connections the extension owns (a replica's link to its master), for CLIENT LIST.
    virtual void for_each_session(const std::function<void(const cmd::Session&)>& visit) const = 0;
    /// CLIENT KILL of one of those; false when `id` is not one of them.
    virtual bool kill_session(std::uint64_t id) = 0;
};

/// The event-loop server.
///
/// One thread calls run(); every accept, read, command, write, timer and signal is a step of
/// the loop on that thread. Each connection is one long-lived coroutine (Client::serve()):
/// read what is available, run every complete command in the buffer, send all their replies
/// with one write, wait for more. While a coroutine waits, the loop serves the others.
///
/// Timers on the loop: the cron (active expiry, save points, collecting a forked BGSAVE),
/// each blocked client's deadline, and the retry of a final save that failed. SIGINT and
/// SIGTERM arrive through Asio's signal_set as one more event.
class EventLoopServer final : public cmd::ServerControl, public server::RunnableServer {
public:
    EventLoopServer(cmd::CommandTable commands, cmd::Config config, server::ServerSettings settings,
                    server::Logger& log);
    EventLoopServer(const EventLoopServer&) = delete;
    EventLoopServer& operator=(const EventLoopServer&) = delete;
    ~EventLoopServer() override;

    /// Loads the data and binds the listening socket (see server::RunnableServer).
    void start() override;
    /// Prints `listening on HOST:PORT`, then runs the loop until SHUTDOWN, SIGINT or SIGTERM.
    [[nodiscard]] int run() override;
    /// The port really bound (after start()).
    [[nodiscard]] std::uint16_t port() const;

    // --- cmd::ServerControl: called by commands, on the loop's thread ---
    [[nodiscard]] bool save() override;
    [[nodiscard]] cmd::BackgroundSaveStart background_save() override;
    [[nodiscard]] cmd::PersistenceStatus persistence() const override;
    [[nodiscard]] bool request_shutdown(cmd::ShutdownMode mode) override;
    void for_each_client(const std::function<void(const cmd::Session&)>& visit) const override;
    [[nodiscard]] std::size_t client_count() const override;
    bool kill_client(std::uint64_t id) override;
    [[nodiscard]] cmd::ServerIdentity identity() const override;
    [[nodiscard]] std::optional<std::string> config_changed(std::string_view option) override;
    [[nodiscard]] cmd::Replication* replication() override;

    // --- What lab 8's replication uses (common/repl/) ---
    /// Attaches the extension, before start(). The server owns it.
    void set_extension(std::unique_ptr<ServerExtension> extension);
    [[nodiscard]] asio::io_context& io();
    [[nodiscard]] cmd::ServerState& state() { return state_; }
    [[nodiscard]] cmd::Dispatcher& dispatcher() { return dispatcher_; }
    [[nodiscard]] server::Persistence& persistence_layer() { return persistence_; }
    /// The connected client with this id, or null.
    [[nodiscard]] std::shared_ptr<Client> find_client(std::uint64_t id) const;
    /// A new client id, for a connection the extension opens itself.
    [[nodiscard]] std::uint64_t new_client_id() { return next_client_id_++; }
    /// Runs a command from our master's stream for `session` (ClientKind::master); the reply,
    /// which nobody reads, goes to `out`.
    void run_master_command(cmd::Session& session, std::span<const std::string_view> argv,
                            std::string& out);
    /// Replicas acknowledged more of the stream: serves the clients whose WAIT is satisfied.
    void serve_ack_waiters();
    /// Every client parked in a blocking command gets Redis's UNBLOCKED error: this server just
    /// became a replica, and only its master may write now.
    void unblock_all_clients();

    // --- What a Client calls (client.cpp) ---
    /// Runs one command of `client`, appending its reply to the client's output; a blocking
    /// command that must wait parks the client (Outcome::blocked). Then serves the clients
    /// blocked on keys this command made ready. Outcome::cross_protocol_attack is logged here;
    /// the client closes.
    cmd::Outcome run_command(Client& client, std::span<const std::string_view> argv);
    /// The blocked client's deadline passed: the timeout reply, and it is no longer parked.
    void time_out(Client& client);
    /// The blocked client is leaving (disconnected, killed): forget its block, no reply.
    void drop_block(Client& client);
    /// The client's coroutine has ended: forget it.
    void client_closed(Client& client);
    /// INFO stats: one read of `bytes` from a client's socket, one write of `bytes` to it.
    void count_read(std::size_t bytes) {
        state_.stats.total_net_input_bytes += bytes;
        ++state_.stats.total_reads_processed;
    }
    void count_write(std::size_t bytes) {
        state_.stats.total_net_output_bytes += bytes;
        ++state_.stats.total_writes_processed;
    }
    /// One of the loop's own tasks (accept loop, cron, signals) ended with an exception: logs
    /// it and stops the server, which then exits with status 1.
    void task_failed(std::string_view what, const std::exception_ptr& failure);
    /// True once the server stops: no command runs any more.
    [[nodiscard]] bool stopping() const { return stopping_; }
    [[nodiscard]] const server::ServerSettings& settings() const { return settings_; }
    [[nodiscard]] server::Logger& log() { return log_; }
    [[nodiscard]] store::TimePoint now() const { return clock_.now(); }

private:
    struct Loop;  // the io_context, acceptor, signals and cron timer (event_loop_server.cpp)

    // After each command: serves the clients parked on the keys it made ready.
    void serve_blocked_clients();
    // Closes the listener and every client, cancels the timers: run() returns.
    void stop();
    void cron_tick();
    [[nodiscard]] std::chrono::microseconds cron_period() const;  // 1 s / hz

    server::Logger& log_;
    server::ServerSettings settings_;
    store::SystemClock clock_;
    cmd::ServerState state_;
    cmd::Dispatcher dispatcher_;
    server::Persistence persistence_;
    std::string executable_;
    bool stopping_ = false;
    int exit_status_ = 0;
    // Redis logs the cross-protocol warning at most once a minute.
    cmd::LogRateLimit security_warnings_{std::chrono::seconds{60}};

    // Per key, the clients parked on it in arrival order (Redis's db->blocking_keys).
    server::BlockedQueues<Client> blocked_;
    // Lab 8: the clients parked in WAIT, in arrival order (Redis's clients_waiting_acks).
    std::vector<Client*> ack_waiters_;
    // Every connected client by id (CLIENT LIST's order). The coroutines hold them too.
    std::map<std::uint64_t, std::shared_ptr<Client>> clients_;
    std::uint64_t next_client_id_ = 1;

    // Lab 8's replication; the destructor frees it before the loop.
    std::unique_ptr<ServerExtension> extension_;
    std::unique_ptr<Loop> loop_;  // last: its coroutines use everything above
};

/// A server::MakeServer for server::run_program(): what lab 7's main() passes.
[[nodiscard]] std::unique_ptr<server::RunnableServer> make_event_loop_server(
    cmd::CommandTable commands, cmd::Config config, server::ServerSettings settings,
    server::Logger& log);

}  // namespace async
