// The replication layer: a master's replicas, backlog and offsets; a replica's link and what
// it does with its master's data. Introduced in lab 8.
#include "repl/replication.hpp"

#include <algorithm>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <chrono>
#include <utility>

#include "async/client.hpp"
#include "cmd/errors.hpp"
#include "cmd/numbers.hpp"
#include "persist/rdb.hpp"
#include "persist/snapshot_format.hpp"
#include "repl/master_link.hpp"
#include "resp/writer.hpp"

namespace repl {

namespace {

// What Redis puts in the stream before the first write to a database (shared.select0).
constexpr std::string_view select_zero = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n";

// `ip` of an `ip:port` address.
std::string host_part(const std::string& address) {
    const std::size_t colon = address.rfind(':');
    return colon == std::string::npos ? address : address.substr(0, colon);
}

std::string zero_id() {
    return std::string(40, '0');
}

}  // namespace

Replication::Replication(async::EventLoopServer& server) : server_{server}, state_{server.state()} {
    server_.dispatcher().add_sink(*this);
}

Replication::~Replication() {
    server_.dispatcher().remove_sink(*this);
}

// --- async::ServerExtension ---

void Replication::start() {
    const std::string& master = state_.config.replicaof;  // `host port`, checked by Config
    if (master.empty()) return;
    const std::size_t space = master.rfind(' ');
    state_.is_replica = true;
    // Our snapshot files (RDB or JSON) do not record which stream the data came from (Redis
    // keeps repl-id and repl-offset in its RDB's AUX fields): ask for everything.
    has_history_ = false;
    link_ = std::make_unique<MasterLink>(
        *this, master.substr(0, space),
        static_cast<int>(*cmd::parse_integer(std::string_view{master}.substr(space + 1))));
    link_->start();
}

void Replication::stop() {
    if (link_) link_->stop();
    disconnect_replicas();
}

void Replication::cron() {
    const store::TimePoint now = server_.now();
    if (link_) link_->cron(now);
    if (backlog_ && backlog_->capacity() !=
                        std::max<std::size_t>(state_.config.repl_backlog_size, min_backlog_size)) {
        backlog_->resize(state_.config.repl_backlog_size);  // CONFIG SET repl-backlog-size
    }
    // A replica that acknowledged nothing for repl-timeout seconds is gone (checked by every
    // server with replicas, the middle of a chain too).
    const std::chrono::seconds timeout{state_.config.repl_timeout};
    for (const Replica& replica : replicas_) {
        if (!replica.acknowledges || now - replica.last_ack <= timeout) continue;
        server_.log().warning("disconnecting timedout replica " + replica.ip + ":" +
                              std::to_string(replica.port));
        if (const auto client = replica.client.lock()) client->kill();
    }
    // A master PINGs its replicas, so that they can tell a quiet master from a dead link. A
    // replica passes its own master's PINGs on instead.
    if (state_.is_replica || replicas_.empty()) return;
    if (now - last_ping_ >= std::chrono::seconds{state_.config.repl_ping_replica_period}) {
        last_ping_ = now;
        const std::string_view ping[] = {"ping"};  // lower case, as Redis's shared.ping
        feed_command(ping);
    }
}

void Replication::client_closed(async::Client& client) {
    const auto position = std::find_if(
        replicas_.begin(), replicas_.end(),
        [&](const Replica& replica) { return replica.client_id == client.session.id; });
    if (position == replicas_.end()) return;
    server_.log().notice("connection with replica " + position->ip + ":" +
                         std::to_string(position->port) + " lost");
    replicas_.erase(position);
}

void Replication::for_each_session(const std::function<void(const cmd::Session&)>& visit) const {
    if (link_ && link_->connected()) visit(link_->session());
}

bool Replication::kill_session(std::uint64_t id) {
    return link_ && link_->kill(id);
}

// --- the stream ---

void Replication::propagate(std::span<const std::string_view> argv) {
    // A replica passes its master's stream on as it came (applied()); and without a backlog
    // no replica ever connected: nothing to keep, as in Redis, whose offset does not move then.
    if (state_.is_replica || !backlog_) return;
    feed_command(argv);
}

void Replication::feed_command(std::span<const std::string_view> argv) {
    std::string bytes;
    if (select_needed_) {
        bytes = select_zero;
        select_needed_ = false;
    }
    resp::encode_command(bytes, argv);
    feed(bytes);
}

void Replication::feed(std::string_view bytes) {
    backlog_->append(bytes);
    state_.replication_offset = backlog_->end_offset();
    for (const Replica& replica : replicas_) {
        if (const auto client = replica.client.lock()) client->deliver(bytes);
    }
}

void Replication::applied(std::string_view stream_bytes) {
    feed(stream_bytes);
}

// --- the master's side of PSYNC ---

std::optional<std::string> Replication::synchronize(cmd::Session& session,
                                                    std::string_view replication_id,
                                                    long long offset, bool sync_command,
                                                    std::string& out) {
    if (state_.is_replica && !(link_ && link_->connected())) {
        return std::string{cmd::errors::no_master_link};
    }
    Replica replica;
    replica.client_id = session.id;
    replica.client = server_.find_client(session.id);
    replica.ip = session.replica_announced_ip.empty() ? host_part(session.peer_address)
                                                      : session.replica_announced_ip;
    replica.port = session.replica_listening_port;
    replica.last_ack = server_.now();
    replica.acknowledges = !sync_command;
    const std::string name = replica.ip + ":" + std::to_string(replica.port);

    // A partial resync, when the replica's history is ours and what it misses is all still in
    // the backlog (Redis's masterTryPartialResynchronization()).
    const bool known_history = replication_id == state_.replication_id ||
                               (replication_id == replication_id2_ && offset <= second_offset_);
    if (!sync_command && backlog_ && known_history && offset > 0) {
        if (auto missed = backlog_->since(static_cast<std::uint64_t>(offset))) {
            out += "+CONTINUE " + state_.replication_id + "\r\n";
            out += *missed;
            ++state_.stats.sync_partial_ok;
            session.kind = cmd::ClientKind::replica;
            replicas_.push_back(std::move(replica));
            server_.log().notice("partial resynchronization request from " + name +
                                 " accepted: sending " + std::to_string(missed->size()) +
                                 " bytes of backlog starting from offset " +
                                 std::to_string(offset));
            return std::nullopt;
        }
    }
    if (!sync_command && replication_id != "?") ++state_.stats.sync_partial_err;

    // A full resync: the whole dataset, then the stream from the offset it reflects. The
    // dataset goes as an RDB file, what every Redis replica expects (ours reads JSON too).
    if (!backlog_) create_backlog();
    if (!state_.is_replica) select_needed_ = true;
    const std::string snapshot = persist::encode_rdb(state_.db.keyspace(), server_.now());
    if (!sync_command) {
        out += "+FULLRESYNC " + state_.replication_id + " " +
               std::to_string(state_.replication_offset) + "\r\n";
    }
    out += "$" + std::to_string(snapshot.size()) + "\r\n";
    out += snapshot;  // no CRLF after it: the stream follows directly
    ++state_.stats.sync_full;
    session.kind = cmd::ClientKind::replica;
    replicas_.push_back(std::move(replica));
    server_.log().notice("full resynchronization of replica " + name + ": " +
                         std::to_string(snapshot.size()) + " bytes of snapshot at offset " +
                         std::to_string(state_.replication_offset));
    return std::nullopt;
}

void Replication::create_backlog() {
    if (!state_.is_replica) {
        // A master's first replica: a new history starts here (Redis's changeReplicationId()).
        state_.replication_id = cmd::random_hex_id();
        replication_id2_ = zero_id();
        second_offset_ = -1;
    }
    backlog_ =
        std::make_unique<Backlog>(state_.config.repl_backlog_size, state_.replication_offset);
    select_needed_ = true;
}

void Replication::acknowledged(cmd::Session& replica_session, std::uint64_t offset) {
    for (Replica& replica : replicas_) {
        if (replica.client_id != replica_session.id) continue;
        replica.acked_offset = std::max(replica.acked_offset, offset);
        replica.last_ack = server_.now();
    }
    server_.serve_ack_waiters();
}

long long Replication::acknowledged_replicas(std::uint64_t offset) const {
    return std::count_if(replicas_.begin(), replicas_.end(), [offset](const Replica& replica) {
        return replica.acked_offset >= offset;
    });
}

void Replication::request_acks() {
    if (acks_requested_) return;
    acks_requested_ = true;
    // Once, after the commands of this turn of the loop: every WAIT of the turn shares it.
    asio::post(server_.io(), [this] {
        acks_requested_ = false;
        if (state_.is_replica || !backlog_ || replicas_.empty()) return;
        const std::string_view getack[] = {"REPLCONF", "GETACK", "*"};
        feed_command(getack);
    });
}

void Replication::disconnect_replicas() {
    for (const Replica& replica : replicas_) {
        if (const auto client = replica.client.lock()) client->kill();
    }
    replicas_.clear();
}

// --- the replica's side ---

std::pair<std::string, long long> Replication::psync_request() const {
    if (!has_history_) return {"?", -1};
    return {state_.replication_id, static_cast<long long>(state_.replication_offset) + 1};
}

void Replication::load_full_sync(const std::string& replication_id, std::uint64_t offset,
                                 std::string_view snapshot) {
    // All keys, expired ones too: a replica waits for its master's DEL (time_point::min()).
    persist::ParsedSnapshot parsed =
        persist::parse_any(snapshot, "the master's snapshot", store::TimePoint::min());
    store::Keyspace& keyspace = state_.db.keyspace();
    keyspace.clear();
    for (auto& item : parsed.entries) {
        keyspace.replace(item.key, std::move(item.entry.value), item.entry.deadline);
    }
    state_.replication_id = replication_id;
    state_.replication_offset = offset;
    replication_id2_ = zero_id();
    second_offset_ = -1;
    has_history_ = true;
    backlog_ = std::make_unique<Backlog>(state_.config.repl_backlog_size, offset);
    // Our own replicas hold the old data: they must resynchronise from the new.
    disconnect_replicas();
    server_.persistence_layer().dataset_replaced();
}

void Replication::continue_sync(const std::string& replication_id) {
    has_history_ = true;
    if (!backlog_)
        backlog_ =
            std::make_unique<Backlog>(state_.config.repl_backlog_size, state_.replication_offset);
    if (replication_id == state_.replication_id) return;
    // The master has a new id (it was promoted): our history up to here stays valid under the
    // old one, for replicas of ours that ask for it.
    shift_replication_id();
    state_.replication_id = replication_id;
    disconnect_replicas();
}

void Replication::shift_replication_id() {
    replication_id2_ = state_.replication_id;
    second_offset_ = static_cast<long long>(state_.replication_offset) + 1;
    state_.replication_id = cmd::random_hex_id();
}

void Replication::send_ack() {
    if (link_) link_->send_ack();
}

// --- REPLICAOF ---

bool Replication::replicate_from(const std::string& host, int port) {
    if (state_.is_replica && link_ && link_->host() == host && link_->port() == port) return false;
    if (link_) link_->stop();
    link_.reset();
    state_.is_replica = true;
    state_.config.replicaof = host + " " + std::to_string(port);
    server_.log().notice("replicating from " + host + ":" + std::to_string(port) +
                         " (REPLICAOF): only the master writes from now on");
    // Blocked clients wait for writes that now only the master makes; our replicas must learn
    // of the change (they resynchronise, partially if our history goes on).
    server_.unblock_all_clients();
    disconnect_replicas();
    link_ = std::make_unique<MasterLink>(*this, host, port);
    link_->start();
    return true;
}

void Replication::become_master() {
    if (link_) link_->stop();
    link_.reset();
    state_.is_replica = false;
    state_.config.replicaof.clear();
    // A new history starts; replicas that followed the old one can still continue it (id2).
    shift_replication_id();
    disconnect_replicas();
    select_needed_ = true;
    server_.log().notice("MASTER MODE enabled (REPLICAOF NO ONE): new replication id " +
                         state_.replication_id);
}

// --- INFO replication, ROLE ---

cmd::ReplicationStatus Replication::status() const {
    using std::chrono::duration_cast;
    using std::chrono::seconds;
    const store::TimePoint now = server_.now();
    cmd::ReplicationStatus status;
    status.is_replica = state_.is_replica;
    if (link_) link_->report(status, now);
    for (const Replica& replica : replicas_) {
        status.replicas.push_back(
            cmd::ReplicaStatus{replica.ip, replica.port, "online", replica.acked_offset,
                               duration_cast<seconds>(now - replica.last_ack).count()});
    }
    status.replication_id = state_.replication_id;
    status.replication_id2 = replication_id2_;
    status.offset = state_.replication_offset;
    status.second_offset = second_offset_;
    status.backlog_active = backlog_ != nullptr;
    status.backlog_size =
        std::max<std::uint64_t>(state_.config.repl_backlog_size, min_backlog_size);
    if (backlog_) {
        status.backlog_first_byte_offset = backlog_->first_offset();
        status.backlog_histlen = backlog_->held();
    }
    return status;
}

// --- lab 8's server ---

std::unique_ptr<server::RunnableServer> make_replicated_server(cmd::CommandTable commands,
                                                               cmd::Config config,
                                                               server::ServerSettings settings,
                                                               server::Logger& log) {
    auto server = std::make_unique<async::EventLoopServer>(std::move(commands), std::move(config),
                                                           settings, log);
    server->set_extension(std::make_unique<Replication>(*server));
    return server;
}

}  // namespace repl
