// Lab 5's server: a thread per client and ONE lock around command execution, with the
// command layer (cmd::Dispatcher) for the commands, persistence wired in, a cron thread for
// active expiry and save points, and a clean shutdown. Introduced in lab 5.
#pragma once

#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cmd/config.hpp"
#include "cmd/dispatcher.hpp"
#include "cmd/security.hpp"
#include "cmd/server_control.hpp"
#include "cmd/server_state.hpp"
#include "net/socket.hpp"
#include "server/blocked_queues.hpp"
#include "server/client_registry.hpp"
#include "server/connection.hpp"
#include "server/cron.hpp"
#include "server/log.hpp"
#include "server/persistence.hpp"
#include "server/program.hpp"
#include "server/settings.hpp"
#include "store/clock.hpp"

namespace server {

/// The blocking, thread-per-client server.
///
/// Threads: the caller's thread accepts (run()); each client has its own thread
/// (Connection::serve()); the cron has one; a BGSAVE has one while it writes. Every command,
/// the cron's work and every look at shared state happen under `command_mutex_`, so the
/// store, the dispatcher and the sessions stay single-threaded code, as in Redis.
///
/// Signals: start() blocks SIGINT and SIGTERM in the calling thread, so every thread created
/// afterwards inherits the block; run() waits with ppoll(), which unblocks them only while it
/// waits. So a signal always lands in the accepting thread, and only inside ppoll(), which
/// returns EINTR: no race between checking the stop flag and going to sleep.
class BlockingServer final : public cmd::ServerControl,
                             public RunnableServer,
                             private CommandRunner {
public:
    /// Serves the commands of `commands`: lab 5's table, or lab 6's with lists and sets.
    BlockingServer(cmd::CommandTable commands, cmd::Config config, ServerSettings settings,
                   Logger& log);
    BlockingServer(const BlockingServer&) = delete;
    BlockingServer& operator=(const BlockingServer&) = delete;
    ~BlockingServer() override;

    /// Blocks the stop signals (see above), loads the data and binds the listening socket.
    /// Throws persist::PersistError for a file it cannot load and std::system_error for an
    /// address it cannot bind; the caller reports either and exits with status 1.
    void start() override;

    /// Prints `listening on HOST:PORT`, then accepts clients until SHUTDOWN, SIGINT or
    /// SIGTERM; saves as Redis would on the way out, closes every client, joins every thread.
    /// Returns the exit status (0).
    [[nodiscard]] int run() override;

    /// The port really bound (after start()).
    [[nodiscard]] std::uint16_t port() const;

    // --- cmd::ServerControl: called by commands, with the command lock held ---
    [[nodiscard]] bool save() override;
    [[nodiscard]] cmd::BackgroundSaveStart background_save() override;
    [[nodiscard]] cmd::PersistenceStatus persistence() const override;
    [[nodiscard]] bool request_shutdown(cmd::ShutdownMode mode) override;
    void for_each_client(const std::function<void(const cmd::Session&)>& visit) const override;
    [[nodiscard]] std::size_t client_count() const override;
    bool kill_client(std::uint64_t id) override;
    [[nodiscard]] cmd::ServerIdentity identity() const override;
    [[nodiscard]] std::optional<std::string> config_changed(std::string_view option) override;

private:
    // --- CommandRunner: what each connection calls ---
    [[nodiscard]] std::unique_lock<std::mutex> lock_commands() override;
    [[nodiscard]] bool accepting_commands() const override { return !stopping_; }
    cmd::Outcome run_command(cmd::Session& session, std::span<const std::string_view> argv,
                             std::string& out, const SendPending& send_pending) override;
    [[nodiscard]] bool requires_authentication(const cmd::Session& session) const override {
        return dispatcher_.requires_authentication(session);
    }
    void count_traffic(std::size_t bytes_in, std::size_t bytes_out) override;

    void accept_client();
    void serve_client(Client& client);
    [[nodiscard]] std::chrono::milliseconds cron_tick();
    // SIGINT/SIGTERM: the final save; false (and the server goes on) when it failed.
    [[nodiscard]] bool stop_for_signal();
    void wake_accept_loop();

    // --- Lab 6, blocking pops (all under command_mutex_) ---
    // A client parked in a blocking command: its session, the output its reply goes to (a
    // string of its thread's wait, not the batch buffer, which may be being sent), and whether
    // another thread served it.
    struct BlockedClient {
        cmd::Session* session = nullptr;
        std::string* out = nullptr;
        bool served = false;
    };
    // The thread of a client whose command returned Outcome::blocked: registers it in the
    // FIFO of each of its keys, sends the replies already in `out` (without the lock), and
    // waits on blocked_wakeup_ until it is served, its deadline passes (then the timeout
    // reply), or the server stops or kills it (no reply). The reply is appended to `out`.
    void wait_while_blocked(cmd::Session& session, std::string& out,
                            const SendPending& send_pending);
    // After each command: serves the clients blocked on the keys it made ready
    // (BlockedQueues::serve()) and wakes their threads.
    void serve_blocked_clients();

    Logger& log_;
    ServerSettings settings_;
    store::SystemClock clock_;
    cmd::ServerState state_;
    cmd::Dispatcher dispatcher_;
    Persistence persistence_;

    // The one lock. Guards state_, dispatcher_, persistence_, every Session and stopping_.
    std::mutex command_mutex_;
    bool stopping_ = false;
    // Per key, the clients blocked on it in arrival order (Redis's db->blocking_keys).
    BlockedQueues<BlockedClient> blocked_;
    // Woken after blocked clients were served, at shutdown and at CLIENT KILL; waited on with
    // command_mutex_ itself (a BasicLockable), which the waiting thread holds.
    std::condition_variable_any blocked_wakeup_;
    // Set by SHUTDOWN on a client thread, read by the accepting thread.
    std::atomic<bool> shutdown_requested_{false};
    std::chrono::steady_clock::time_point last_signal_save_try_{};
    // Redis logs the cross-protocol warning at most once a minute (under command_mutex_).
    cmd::LogRateLimit security_warnings_{std::chrono::seconds{60}};

    std::optional<net::Listener> listener_;
    net::FileDescriptor wake_read_;  // a pipe that interrupts the accept loop's ppoll()
    net::FileDescriptor wake_write_;
    sigset_t wait_mask_{};  // the signal mask ppoll() waits with: SIGINT/SIGTERM unblocked
    std::string executable_;

    ClientRegistry clients_;    // after what client threads use: destroyed (joined) first
    std::optional<Cron> cron_;  // last: stopped first
};

}  // namespace server
