// The Dispatcher: looks a command up, checks arity and authentication (the only place that
// does), runs its handler, and propagates what changed data. Introduced in lab 5.
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/command.hpp"
#include "cmd/context.hpp"
#include "cmd/propagation.hpp"
#include "cmd/server_control.hpp"
#include "cmd/server_state.hpp"
#include "cmd/session.hpp"

namespace cmd {

/// How one execute() ended.
enum class Outcome {
    replied,  ///< a reply was appended to the output (also for errors)
    blocked,  ///< lab 6: no reply; the client waits (see Context::block() for the flow)
    /// `POST` or `Host:` as a command: an HTTP request sent to the port
    /// (is_cross_protocol_request() in cmd/security.hpp). No reply: the server closes the
    /// connection at once, dropping the replies it has not sent yet, and logs
    /// cross_protocol_warning (at most once a minute).
    cross_protocol_attack,
};

/// Runs commands against a ServerState. One per server, used under the server's command lock
/// (lab 5) or on its one thread (lab 7).
///
/// For every command it, in this order: refuses an HTTP request (`POST`, `Host:`); looks the
/// name up (unknown → `ERR unknown command`);
/// checks the arity, for a container also the subcommand and its arity; refuses commands
/// before AUTH when a password is set (`NOAUTH`); freezes the clock; expires the keys the
/// command names (each propagated as DEL); runs the handler; updates the session and
/// statistics; and propagates the command if it changed data.
class Dispatcher {
public:
    /// `table` is usually lab5_commands() (plus lab 6's families); `state` and `control`
    /// must outlive the Dispatcher.
    Dispatcher(CommandTable table, ServerState& state, ServerControl& control);
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    /// Adds a sink that receives every propagated command from now on (the AOF, replicas).
    void add_sink(PropagationSink& sink);
    void remove_sink(PropagationSink& sink);

    /// Runs `argv` for `session`, appending the reply to `out` in the session's protocol.
    /// An empty argv does nothing (the parser never produces one).
    Outcome execute(Session& session, std::span<const std::string_view> argv, std::string& out);

    /// Lab 6: runs a blocked client's command again after one of its keys was signalled.
    /// Replied clears `session.blocked`; blocked keeps it (nothing was served).
    Outcome retry_blocked(Session& session, std::string& out);
    /// Lab 6: the block's deadline passed: writes the timeout reply, clears `session.blocked`.
    void time_out_blocked(Session& session, std::string& out);

    /// Lab 8: a client parked in WAIT: when enough replicas have acknowledged its offset,
    /// writes their count, clears `session.blocked` and returns true.
    bool retry_ack_wait(Session& session, std::string& out);

    /// Active expiry for the server's cron: Database::active_expire(budget) with the clock
    /// frozen for the whole cycle, propagating each expired key as DEL.
    ActiveExpireStats active_expire(std::chrono::microseconds budget);

    /// True while `session` must still authenticate: a password is set and neither AUTH nor
    /// HELLO AUTH has succeeded (Redis's authRequired()). Commands other than AUTH, HELLO and
    /// QUIT get `NOAUTH`, and the servers hold the parser to the unauthenticated limits
    /// (resp::Authentication::pending). Only network clients ever need to authenticate.
    [[nodiscard]] bool requires_authentication(const Session& session) const;

    [[nodiscard]] const CommandTable& table() const { return table_; }
    [[nodiscard]] ServerState& state() { return state_; }

private:
    /// The command or subcommand to run, or nullptr after writing the dispatch error.
    [[nodiscard]] const Command* resolve(std::span<const std::string_view> argv,
                                         resp::Writer& reply) const;
    Outcome run(Session& session, const Command& command, std::span<const std::string_view> argv,
                resp::Writer& reply);
    void finish_propagation(const Context& context, std::span<const std::string_view> argv);
    void expire_named_keys(const Command& command, std::span<const std::string_view> argv);
    void propagate(std::span<const std::string_view> argv);
    void propagate(const std::vector<std::string>& argv);

    CommandTable table_;
    ServerState& state_;
    ServerControl& control_;
    std::vector<PropagationSink*> sinks_;
    bool propagating_ = true;  // false while a replay session's command runs
};

}  // namespace cmd
