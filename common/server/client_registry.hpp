// The connected clients of the blocking server: each client's socket, session and thread, the
// maxclients limit, and the bookkeeping that joins a thread once its client has left.
// Introduced in lab 5.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "cmd/session.hpp"
#include "net/socket.hpp"

namespace server {

/// One connected client: what its thread works with. The registry owns it; the thread gets a
/// reference that stays valid until the thread has been joined.
struct Client {
    Client(net::Socket connected, cmd::Session state)
        : socket{std::move(connected)}, session{std::move(state)} {}

    net::Socket socket;
    /// Read and written under the server's command lock only (by the client's thread while it
    /// runs commands, by CLIENT LIST on another client's thread).
    cmd::Session session;
    std::jthread thread;
};

/// The set of clients, each served by its own thread.
///
/// Threads are joined, never detached: a detached thread may still be running when main()
/// returns and the objects it uses are destroyed. A thread that finishes cannot join itself,
/// so it reports itself in finished() and the accepting thread joins it in reap(), before the
/// next accept. At shutdown, close_all() wakes every thread blocked in recv() and join_all()
/// waits for them.
///
/// admit(), start(), reap() and join_all() are called by one thread, the accepting one.
/// Locking: `mutex_` guards the map. Callers may hold the server's command lock when they
/// call in (CLIENT LIST does), never the other way round: the registry never takes the
/// command lock, so the two locks cannot deadlock.
class ClientRegistry {
public:
    ClientRegistry() = default;
    ClientRegistry(const ClientRegistry&) = delete;
    ClientRegistry& operator=(const ClientRegistry&) = delete;
    /// Closes and joins whatever is left.
    ~ClientRegistry();

    /// Registers a client if fewer than `max_clients` are connected and returns it (its
    /// session id and fd are set); nullptr when the limit is reached, and then `socket` is
    /// left to the caller, to send the refusal. Joins finished threads first, so clients that
    /// have left do not count.
    [[nodiscard]] Client* admit(net::Socket&& socket, cmd::Session session,
                                std::size_t max_clients);

    /// Starts the client's thread, running `serve` and then reporting the client finished.
    /// False when no thread could be created: the client is dropped at the next reap().
    [[nodiscard]] bool start(Client& client, std::function<void(Client&)> serve);

    /// Joins the threads of clients that have left and frees them.
    void reap();

    /// Wakes every client thread blocked on its socket (shutdown(2) of both directions): the
    /// thread sees end of file and leaves.
    void close_all();
    /// Waits for every client thread to end (after close_all()).
    void join_all();

    /// CLIENT KILL: marks client `id` to close after its pending reply and shuts the reading
    /// side of its socket, which wakes its thread if it waits in recv(). False when there is
    /// no such client. The caller holds the command lock (the session changes).
    bool kill(std::uint64_t id);

    /// Calls `visit` with every client's session, in id order. The caller holds the command
    /// lock, which guards the sessions' contents.
    void for_each_session(const std::function<void(const cmd::Session&)>& visit) const;

    /// Clients registered and not yet reaped.
    [[nodiscard]] std::size_t size() const;

private:
    void finished(std::uint64_t id);
    std::vector<std::unique_ptr<Client>> take_finished();

    mutable std::mutex mutex_;
    std::map<std::uint64_t, std::unique_ptr<Client>> clients_;
    std::vector<std::uint64_t> finished_;
    std::uint64_t next_id_ = 1;
};

}  // namespace server
