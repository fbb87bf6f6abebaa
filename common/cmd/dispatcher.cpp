// The Dispatcher: the one place that answers unknown commands, wrong arity and missing
// authentication, then runs a handler with the time frozen and propagates what changed data.
// Introduced in lab 5.
#include "cmd/dispatcher.hpp"

#include <algorithm>
#include <utility>

#include "cmd/context.hpp"
#include "cmd/errors.hpp"
#include "cmd/replication.hpp"
#include "cmd/security.hpp"
#include "resp/writer.hpp"

namespace cmd {

namespace {

// Freezes the database's clock for one command and lets it run again however the command
// ends (an exception included).
class FrozenTime {
public:
    explicit FrozenTime(Database& db) : db_{db} { db_.freeze_time(); }
    ~FrozenTime() { db_.unfreeze_time(); }
    FrozenTime(const FrozenTime&) = delete;
    FrozenTime& operator=(const FrozenTime&) = delete;

private:
    Database& db_;
};

std::vector<std::string> owned(std::span<const std::string_view> argv) {
    return {argv.begin(), argv.end()};
}

std::vector<std::string_view> views(const std::vector<std::string>& argv) {
    return {argv.begin(), argv.end()};
}

}  // namespace

Dispatcher::Dispatcher(CommandTable table, ServerState& state, ServerControl& control)
    : table_{std::move(table)}, state_{state}, control_{control} {
    state_.db.set_expired_listener([this](std::string_view key) {
        if (!propagating_) return;
        const std::string_view del[] = {"DEL", key};
        propagate(del);
    });
}

void Dispatcher::add_sink(PropagationSink& sink) {
    sinks_.push_back(&sink);
}

void Dispatcher::remove_sink(PropagationSink& sink) {
    sinks_.erase(std::remove(sinks_.begin(), sinks_.end(), &sink), sinks_.end());
}

Outcome Dispatcher::execute(Session& session, std::span<const std::string_view> argv,
                            std::string& out) {
    if (argv.empty()) return Outcome::replied;
    // First of all, as in Redis's processCommand(): before the lookup, and before NOAUTH.
    if (session.kind == ClientKind::normal && is_cross_protocol_request(argv[0])) {
        return Outcome::cross_protocol_attack;
    }
    resp::Writer reply{out, session.protocol};
    session.last_interaction = state_.clock.now();
    const Command* command = resolve(argv, reply);
    if (command == nullptr) return Outcome::replied;
    if (requires_authentication(session) && !command->flags.has(Flag::no_auth)) {
        reply.error(errors::no_auth);
        return Outcome::replied;
    }
    // Lab 8: a replica takes writes from its master only (Redis's replica-read-only yes).
    if (state_.is_replica && session.kind == ClientKind::normal &&
        command->flags.has(Flag::write)) {
        reply.error(errors::read_only_replica);
        return Outcome::replied;
    }
    ++state_.stats.total_commands_processed;
    state_.stats.sample(state_.clock.now());
    return run(session, *command, argv, reply);
}

const Command* Dispatcher::resolve(std::span<const std::string_view> argv,
                                   resp::Writer& reply) const {
    const Command* command = table_.find(argv[0]);
    if (command == nullptr) {
        reply.error(errors::unknown_command(argv[0], argv.subspan(1)));
        return nullptr;
    }
    if (!command->accepts(argv.size())) {
        reply.error(errors::wrong_arity(command->full_name()));
        return nullptr;
    }
    // COMMAND alone runs the container's own handler; CONFIG alone failed the arity above.
    if (!command->is_container() || (argv.size() == 1 && command->handler != nullptr)) {
        return command;
    }
    // A container's arity (-2) guarantees argv[1]: the subcommand.
    const Command* sub = CommandTable::find_subcommand(*command, argv[1]);
    if (sub == nullptr) {
        reply.error(errors::unknown_subcommand(argv[1], argv[0]));
        return nullptr;
    }
    if (!sub->accepts(argv.size())) {
        reply.error(errors::wrong_arity(sub->full_name()));
        return nullptr;
    }
    return sub;
}

bool Dispatcher::requires_authentication(const Session& session) const {
    return session.kind == ClientKind::normal && !session.authenticated &&
           !state_.config.requirepass.empty();
}

Outcome Dispatcher::run(Session& session, const Command& command,
                        std::span<const std::string_view> argv, resp::Writer& reply) {
    const FrozenTime frozen{state_.db};
    propagating_ = session.kind != ClientKind::replay;
    // Lab 8: a replica leaves expiry to its master. Its clients do not see expired keys; the
    // master's stream still finds them, until the master's DEL arrives.
    state_.db.keyspace().set_expiry_mode(!state_.is_replica ? store::ExpiryMode::remove
                                         : session.kind == ClientKind::master
                                             ? store::ExpiryMode::keep
                                             : store::ExpiryMode::hide);
    const std::uint64_t offset_before = state_.replication_offset;
    expire_named_keys(command, argv);

    const std::uint64_t changes_before = state_.db.changes();
    Context context{argv, reply, state_, control_, session, command, table_};
    session.last_command = command.full_name();  // CLIENT LIST shows cmd=client|list
    command.handler(context);

    Outcome outcome = Outcome::replied;
    if (auto& request = context.block_request()) {
        if (context.may_block()) {
            request->argv = owned(argv);
            session.blocked = std::move(*request);
            outcome = Outcome::blocked;
        } else if (request->timeout_reply == BlockRequest::TimeoutReply::null_bulk) {
            reply.null_bulk();
        } else {
            reply.null_array();
        }
    }
    if (propagating_ && (state_.db.changes() != changes_before || context.propagation_forced())) {
        finish_propagation(context, argv);
    } else if (propagating_) {
        for (const auto& extra : context.extra_propagation())
            propagate(extra);
    }
    propagating_ = true;
    // Lab 8: what this client's WAIT waits for (Redis's c->woff).
    if (state_.replication_offset != offset_before)
        session.write_offset = state_.replication_offset;
    return outcome;
}

void Dispatcher::finish_propagation(const Context& context,
                                    std::span<const std::string_view> argv) {
    if (!context.propagation_prevented()) {
        if (context.replacement()) {
            propagate(*context.replacement());
        } else {
            propagate(argv);
        }
    }
    for (const auto& extra : context.extra_propagation())
        propagate(extra);
}

void Dispatcher::expire_named_keys(const Command& command, std::span<const std::string_view> argv) {
    const KeySpec& keys = command.keys;
    if (keys.first <= 0 || keys.step <= 0) return;
    const auto argc = static_cast<int>(argv.size());
    const int last = keys.last < 0 ? argc + keys.last : std::min(keys.last, argc - 1);
    for (int i = keys.first; i <= last && i < argc; i += keys.step) {
        state_.db.expire_if_needed(argv[static_cast<std::size_t>(i)]);
    }
}

Outcome Dispatcher::retry_blocked(Session& session, std::string& out) {
    if (!session.blocked) return Outcome::replied;
    // Keep the arguments and the original deadline: the retry must not restart the timeout.
    BlockRequest previous = std::move(*session.blocked);
    session.blocked.reset();
    const std::vector<std::string_view> argv = views(previous.argv);
    resp::Writer reply{out, session.protocol};
    const Command* command = resolve(argv, reply);
    if (command == nullptr) return Outcome::replied;
    const Outcome outcome = run(session, *command, argv, reply);
    if (outcome == Outcome::blocked) session.blocked->deadline = previous.deadline;
    return outcome;
}

void Dispatcher::time_out_blocked(Session& session, std::string& out) {
    if (!session.blocked) return;
    resp::Writer reply{out, session.protocol};
    if (session.blocked->acks) {
        const Replication* replication = control_.replication();
        reply.integer(replication != nullptr
                          ? replication->acknowledged_replicas(session.blocked->acks->offset)
                          : 0);
    } else if (session.blocked->timeout_reply == BlockRequest::TimeoutReply::null_bulk) {
        reply.null_bulk();
    } else {
        reply.null_array();
    }
    session.blocked.reset();
}

bool Dispatcher::retry_ack_wait(Session& session, std::string& out) {
    if (!session.blocked || !session.blocked->acks) return false;
    const Replication* replication = control_.replication();
    if (replication == nullptr) return false;
    const long long count = replication->acknowledged_replicas(session.blocked->acks->offset);
    if (count < session.blocked->acks->replicas) return false;
    resp::Writer{out, session.protocol}.integer(count);
    session.blocked.reset();
    return true;
}

ActiveExpireStats Dispatcher::active_expire(std::chrono::microseconds budget) {
    if (state_.is_replica) return {};  // lab 8: a replica's keys expire by its master's DEL
    const FrozenTime frozen{state_.db};
    state_.db.keyspace().set_expiry_mode(store::ExpiryMode::remove);
    propagating_ = true;
    return state_.db.active_expire(budget);
}

void Dispatcher::propagate(std::span<const std::string_view> argv) {
    for (PropagationSink* sink : sinks_)
        sink->propagate(argv);
}

void Dispatcher::propagate(const std::vector<std::string>& argv) {
    const std::vector<std::string_view> arguments = views(argv);
    propagate(std::span<const std::string_view>{arguments});
}

}  // namespace cmd
