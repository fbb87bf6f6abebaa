// Lab 8's replication, both sides of it: a master's replicas, offsets and backlog, and a
// replica's link to its master. Plugs into lab 7's event loop as its ServerExtension and into
// the dispatcher as a propagation sink. Introduced in lab 8.
//
// Asio stays out of this header: the link to the master (master_link.cpp) and the tasks on the
// loop live in the .cpp files.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "async/event_loop_server.hpp"
#include "cmd/propagation.hpp"
#include "cmd/replication.hpp"
#include "repl/backlog.hpp"
#include "store/clock.hpp"

namespace repl {

class MasterLink;

/// One replica of ours: its connection (the event loop's client) and what it acknowledged.
struct Replica {
    std::uint64_t client_id = 0;
    std::weak_ptr<async::Client> client;
    std::string ip;
    int port = 0;
    std::uint64_t acked_offset = 0;
    store::TimePoint last_ack{};
    /// False for a replica that came with the old SYNC (redis-cli --replica, say): it never
    /// acknowledges, so it is never timed out for silence, as in Redis.
    bool acknowledges = true;
};

/// The replication layer of one server (Redis's replication.c).
///
/// As a master it keeps a replication id, the stream's offset and a backlog of the stream,
/// turns every propagated write into RESP bytes and hands them to each replica, answers PSYNC
/// with a full or partial resynchronisation, and counts acknowledgements for WAIT. As a
/// replica it runs a MasterLink, which applies its master's stream, and passes that stream on,
/// byte for byte, to replicas of its own (chained replication).
///
/// Everything runs on the event loop's one thread.
class Replication final : public cmd::Replication,
                          public cmd::PropagationSink,
                          public async::ServerExtension {
public:
    explicit Replication(async::EventLoopServer& server);
    Replication(const Replication&) = delete;
    Replication& operator=(const Replication&) = delete;
    ~Replication() override;

    // --- async::ServerExtension ---
    void start() override;
    void stop() override;
    void cron() override;
    [[nodiscard]] cmd::Replication* replication() override { return this; }
    void client_closed(async::Client& client) override;
    void for_each_session(const std::function<void(const cmd::Session&)>& visit) const override;
    bool kill_session(std::uint64_t id) override;

    // --- cmd::PropagationSink: a write this server executed ---
    void propagate(std::span<const std::string_view> argv) override;

    // --- cmd::Replication: the commands ---
    [[nodiscard]] cmd::ReplicationStatus status() const override;
    bool replicate_from(const std::string& host, int port) override;
    void become_master() override;
    void acknowledged(cmd::Session& replica, std::uint64_t offset) override;
    void send_ack() override;
    [[nodiscard]] std::optional<std::string> synchronize(cmd::Session& session,
                                                         std::string_view replication_id,
                                                         long long offset, bool sync_command,
                                                         std::string& out) override;
    [[nodiscard]] long long acknowledged_replicas(std::uint64_t offset) const override;
    void request_acks() override;

    // --- What the MasterLink calls, on a replica ---
    /// What PSYNC should ask for: our replication id and offset + 1, or `?` and -1 when this
    /// server's data has no replication history to continue from.
    [[nodiscard]] std::pair<std::string, long long> psync_request() const;
    /// +FULLRESYNC: `snapshot` replaces the whole dataset; the stream continues at `offset`
    /// under `replication_id`. Throws persist::PersistError when the snapshot is unreadable.
    void load_full_sync(const std::string& replication_id, std::uint64_t offset,
                        std::string_view snapshot);
    /// +CONTINUE: the master kept our data's history; `replication_id` may be a new one (the
    /// master was promoted since).
    void continue_sync(const std::string& replication_id);
    /// Bytes of the master's stream that were just applied: they move our offset on and go to
    /// our backlog and our own replicas unchanged.
    void applied(std::string_view stream_bytes);

    [[nodiscard]] async::EventLoopServer& server() { return server_; }

private:
    // Appends stream bytes to the backlog and sends them to every replica.
    void feed(std::string_view bytes);
    void feed_command(std::span<const std::string_view> argv);
    // A master's first replica creates the backlog (and, as in Redis, a new replication id).
    void create_backlog();
    // A new replication id; the old one stays valid up to the current offset (id2).
    void shift_replication_id();
    void disconnect_replicas();
    void start_link(bool continue_own_history);

    async::EventLoopServer& server_;
    cmd::ServerState& state_;
    std::unique_ptr<Backlog> backlog_;
    std::vector<Replica> replicas_;
    std::unique_ptr<MasterLink> link_;
    std::string replication_id2_ = std::string(40, '0');
    long long second_offset_ = -1;
    // The next propagated write is preceded by SELECT 0: after the backlog is created and
    // after a full resync starts, as Redis's slaveseldb = -1 does.
    bool select_needed_ = true;
    bool acks_requested_ = false;
    // False until this server's data has a replication history a master could continue (a
    // replica started with --replicaof loads no replication id from its JSON snapshot).
    bool has_history_ = true;
    store::TimePoint last_ping_{};
};

/// A server::MakeServer for server::run_program(): lab 7's event loop with replication.
[[nodiscard]] std::unique_ptr<server::RunnableServer> make_replicated_server(
    cmd::CommandTable commands, cmd::Config config, server::ServerSettings settings,
    server::Logger& log);

}  // namespace repl
