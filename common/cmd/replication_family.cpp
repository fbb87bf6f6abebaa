// The replication commands: REPLICAOF (and its old name SLAVEOF), ROLE, WAIT, and what a replica
// sends its master: REPLCONF, PSYNC, SYNC. Each checks its arguments and hands the rest to the
// replication layer (cmd::Replication, implemented by common/repl/). Introduced in lab 8.
#include <chrono>
#include <optional>
#include <string>

#include "cmd/context.hpp"
#include "cmd/errors.hpp"
#include "cmd/families.hpp"
#include "cmd/handler_support.hpp"
#include "cmd/numbers.hpp"
#include "cmd/replication.hpp"

namespace cmd {

namespace {

// These commands are only in lab 8's table, whose server always has a replication layer.
Replication* replication_of(Context& ctx) {
    Replication* replication = ctx.server.replication();
    if (replication == nullptr) ctx.reply.error(errors::generic);
    return replication;
}

/* REPLICAOF host port | NO ONE (SLAVEOF too) */
void replicaof_command(Context& ctx) {
    Replication* replication = replication_of(ctx);
    if (replication == nullptr) return;
    if (equals_ignoring_case(ctx.argv[1], "no") && equals_ignoring_case(ctx.argv[2], "one")) {
        if (ctx.state.is_replica) replication->become_master();
        return ctx.reply_ok();
    }
    const auto port = parse_integer(ctx.argv[2]);
    if (!port || *port < 0 || *port > 65535) return ctx.reply.error(errors::invalid_master_port);
    if (!replication->replicate_from(std::string{ctx.argv[1]}, static_cast<int>(*port))) {
        return ctx.reply.simple_string("OK Already connected to specified master");
    }
    ctx.reply_ok();
}

/* ROLE */
void role_command(Context& ctx) {
    Replication* replication = replication_of(ctx);
    if (replication == nullptr) return;
    const ReplicationStatus status = replication->status();
    if (status.is_replica) {
        ctx.reply.array_header(5);
        ctx.reply.bulk("slave");
        ctx.reply.bulk(status.master_host);
        ctx.reply.integer(status.master_port);
        ctx.reply.bulk(status.link_state);
        // The offset of the data applied, once there is a master to apply it from.
        ctx.reply.integer(status.link_up ? static_cast<long long>(status.applied_offset) : -1);
        return;
    }
    ctx.reply.array_header(3);
    ctx.reply.bulk("master");
    ctx.reply.integer(static_cast<long long>(status.offset));
    std::size_t online = 0;
    for (const ReplicaStatus& replica : status.replicas)
        online += replica.state == "online" ? 1 : 0;
    ctx.reply.array_header(online);  // Redis lists only the replicas that are online
    for (const ReplicaStatus& replica : status.replicas) {
        if (replica.state != "online") continue;
        ctx.reply.array_header(3);
        ctx.reply.bulk(replica.ip);
        ctx.reply.bulk(std::to_string(replica.port));
        ctx.reply.bulk(std::to_string(replica.acked_offset));
    }
}

/* WAIT numreplicas timeout */
void wait_command(Context& ctx) {
    Replication* replication = replication_of(ctx);
    if (replication == nullptr) return;
    if (ctx.state.is_replica) return ctx.reply.error(errors::wait_on_replica);
    const auto replicas = integer_argument(ctx, ctx.argv[1]);
    if (!replicas) return;
    const auto timeout_ms = parse_integer(ctx.argv[2]);
    if (!timeout_ms) return ctx.reply.error(errors::timeout_not_integer);
    if (*timeout_ms < 0) return ctx.reply.error(errors::timeout_negative);

    // Waits for this client's own writes (its write_offset), not for everybody's.
    const std::uint64_t offset = ctx.session.write_offset;
    const long long acknowledged = replication->acknowledged_replicas(offset);
    if (acknowledged >= *replicas || !ctx.may_block()) return ctx.reply.integer(acknowledged);
    BlockRequest request;
    if (*timeout_ms > 0) request.deadline = ctx.now() + std::chrono::milliseconds{*timeout_ms};
    request.timeout_reply = BlockRequest::TimeoutReply::replica_count;
    request.acks = AckWait{offset, *replicas};
    ctx.block(std::move(request));
    replication->request_acks();
}

/* REPLCONF <option> <value> [<option> <value> ...] */
void replconf_command(Context& ctx) {
    Replication* replication = replication_of(ctx);
    if (replication == nullptr) return;
    if (ctx.argv.size() % 2 == 0) return ctx.reply.error(errors::syntax);
    for (std::size_t i = 1; i < ctx.argv.size(); i += 2) {
        const std::string_view option = ctx.argv[i];
        const std::string_view value = ctx.argv[i + 1];
        if (equals_ignoring_case(option, "listening-port")) {
            const auto port = integer_argument(ctx, value);
            if (!port) return;
            ctx.session.replica_listening_port = static_cast<int>(*port);
        } else if (equals_ignoring_case(option, "ip-address")) {
            ctx.session.replica_announced_ip = value;
        } else if (equals_ignoring_case(option, "capa") ||
                   equals_ignoring_case(option, "rdb-only") ||
                   equals_ignoring_case(option, "rdb-filter-only")) {
            // Capabilities: psync2 is how every replica here talks; eof (a snapshot streamed
            // with no length) is never used by our master, which always sends a length.
        } else if (equals_ignoring_case(option, "ack")) {
            // From a replica of ours; never answered. Ignored from anyone else, as in Redis.
            const auto offset = parse_integer(value);
            if (ctx.session.kind == ClientKind::replica && offset && *offset >= 0) {
                replication->acknowledged(ctx.session, static_cast<std::uint64_t>(*offset));
            }
            ctx.prevent_propagation();
            return;
        } else if (equals_ignoring_case(option, "getack")) {
            // From our master (usually in its stream): the answer is an ACK on the link.
            if (ctx.state.is_replica) replication->send_ack();
            return;
        } else {
            return ctx.reply.error(errors::unrecognized_replconf_option(option));
        }
    }
    ctx.reply_ok();
}

// PSYNC and SYNC: the client becomes a replica.
void synchronize(Context& ctx, std::string_view replication_id, long long offset, bool sync) {
    Replication* replication = replication_of(ctx);
    if (replication == nullptr) return;
    if (ctx.session.kind == ClientKind::replica) return;  // already one: ignored, as in Redis
    if (const auto error = replication->synchronize(ctx.session, replication_id, offset, sync,
                                                    ctx.reply.output())) {
        ctx.reply.error(*error);
    }
}

/* PSYNC replicationid offset */
void psync_command(Context& ctx) {
    // An offset that is not a number cannot continue anything: a full resync, as in Redis.
    synchronize(ctx, ctx.argv[1], parse_integer(ctx.argv[2]).value_or(-1), false);
}

/* SYNC */
void sync_command(Context& ctx) {
    synchronize(ctx, "?", -1, true);
}

Command command(std::string name, int arity, Flags flags, Handler handler, std::string_view syntax,
                std::string_view summary, std::string_view since, Group group = Group::server) {
    return make_command(group, std::move(name), arity, flags, KeySpec{}, handler, syntax, summary,
                        since);
}

}  // namespace

void register_replication_family(CommandTable& table) {
    const Flags admin = Flag::admin | Flag::noscript | Flag::stale;
    table.add(command("replicaof", 3, admin, replicaof_command, "REPLICAOF host port",
                      "Configure a server as replica of another, or promote it to a master.",
                      "5.0.0"));
    table.add(command("slaveof", 3, admin, replicaof_command, "SLAVEOF host port",
                      "Sets a Redis server as a replica of another, or promotes it to being a "
                      "master.",
                      "1.0.0"));
    table.add(command("role", 1, Flag::noscript | Flag::loading | Flag::stale | Flag::fast,
                      role_command, "ROLE", "Returns the replication role.", "2.8.12"));
    table.add(command("wait", 3, Flag::noscript, wait_command, "WAIT numreplicas timeout",
                      "Blocks until the asynchronous replication of all preceding write commands "
                      "sent by the connection is completed.",
                      "3.0.0", Group::generic));
    table.add(command("replconf", -1,
                      Flag::admin | Flag::noscript | Flag::loading | Flag::stale | Flag::allow_busy,
                      replconf_command, "REPLCONF",
                      "An internal command for configuring the replication stream.", "3.0.0"));
    table.add(command("psync", -3, Flag::admin | Flag::noscript, psync_command,
                      "PSYNC replicationid offset", "An internal command used in replication.",
                      "2.8.0"));
    table.add(command("sync", 1, Flag::admin | Flag::noscript, sync_command, "SYNC",
                      "An internal command used in replication.", "1.0.0"));
}

CommandTable lab8_commands() {
    CommandTable table = lab6_commands();
    register_replication_family(table);
    return table;
}

}  // namespace cmd
