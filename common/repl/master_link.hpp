// A replica's link to its master: connect, the handshake (PING, AUTH, REPLCONF, PSYNC), the
// snapshot of a full resync, then the stream of writes, applied as it arrives and acknowledged
// (REPLCONF ACK) every second and on request. Reconnects with a back-off when the link breaks.
// Internal to common/repl/; the Asio parts are in master_link.cpp. Introduced in lab 8.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "cmd/replication.hpp"
#include "cmd/session.hpp"
#include "store/clock.hpp"

namespace repl {

class Replication;

class MasterLink {
public:
    MasterLink(Replication& owner, std::string host, int port);
    MasterLink(const MasterLink&) = delete;
    MasterLink& operator=(const MasterLink&) = delete;
    /// Stops the link (its coroutine ends on the loop's next turn).
    ~MasterLink();

    /// Starts connecting, on the event loop.
    void start();
    /// Closes the connection and ends the coroutine; no reconnection.
    void stop();
    /// From the server's cron: the acknowledgement every second, and the repl-timeout check.
    void cron(store::TimePoint now);
    /// Sends `REPLCONF ACK <offset>`, the offset applied so far.
    void send_ack();

    [[nodiscard]] const std::string& host() const;
    [[nodiscard]] int port() const;
    /// The handshake and the sync are over: the stream is flowing.
    [[nodiscard]] bool connected() const;
    /// The master's connection as a client (CLIENT LIST flags=M), while connected.
    [[nodiscard]] const cmd::Session& session() const;
    /// CLIENT KILL of the master's connection: drops it; the link reconnects.
    bool kill(std::uint64_t id);
    /// The link's part of INFO replication and ROLE.
    void report(cmd::ReplicationStatus& status, store::TimePoint now) const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;  // shared with the coroutine, which may outlive this object
};

}  // namespace repl
