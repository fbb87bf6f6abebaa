// What a command handler gets: its arguments, a reply writer, the shared state, the client's
// session, and the ways to change what is propagated or to block the client (lab 6).
// Introduced in lab 5.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/command.hpp"
#include "cmd/server_control.hpp"
#include "cmd/server_state.hpp"
#include "cmd/session.hpp"
#include "resp/writer.hpp"
#include "store/clock.hpp"

namespace cmd {

/// The handler's view of one command execution. The Dispatcher builds it; a handler reads
/// `argv`, works on `db`, writes exactly one reply through `reply` (or calls block()) and
/// says what to propagate when the default is not right.
///
/// Propagation, the contract: after the handler returns, the Dispatcher hands the command to
/// the PropagationSinks if the database's change counter moved (handlers call
/// `db.add_changes()` for each change, like Redis's `server.dirty++`). What is handed on is
/// argv verbatim, unless the handler called replace_propagation() (Redis's
/// rewriteClientCommandVector: `SET k v EX 10` → `SET k v PXAT <ms>`); also_propagate() adds
/// commands after it (Redis's alsoPropagate). A handler whose command must not be
/// propagated although it changed data calls prevent_propagation().
class Context {
public:
    Context(std::span<const std::string_view> arguments, resp::Writer& writer, ServerState& shared,
            ServerControl& control, Session& client, const Command& running,
            const CommandTable& table);

    /// The arguments, argv[0] being the command name as the client spelled it. The arity
    /// check has passed: argv.size() satisfies command.arity.
    const std::span<const std::string_view> argv;
    resp::Writer& reply;
    ServerState& state;
    Database& db;
    Config& config;
    ServerControl& server;
    Session& session;
    const Command& command;
    const CommandTable& commands;

    /// The current time, frozen for the whole command.
    [[nodiscard]] store::TimePoint now() const { return db.now(); }

    /// Propagate `replacement` instead of argv (if the command changed data).
    void replace_propagation(std::vector<std::string> replacement);
    /// Propagate `extra` after the command itself (even if the counter did not move: the
    /// handler has decided it must be sent).
    void also_propagate(std::vector<std::string> extra);
    /// Propagate nothing for the command itself (also_propagate() entries still go).
    void prevent_propagation() { propagation_prevented_ = true; }
    /// Propagate the command even if the counter did not move (Redis's
    /// forceCommandPropagation): FLUSHALL and FLUSHDB on an empty database.
    void force_propagation() { propagation_forced_ = true; }

    /// `ERR wrong number of arguments for '<name>' command`, for the few commands whose arity
    /// cannot be said in one number (MSET needs pairs, PING at most one message): the message
    /// still comes from the catalog, with the command's full name.
    void reply_wrong_arity();
    /// `+OK`
    void reply_ok() { reply.simple_string("OK"); }

    /// Lab 6, blocking. A blocking command that finds nothing to serve (BLPOP on empty lists)
    /// calls block() instead of replying:
    ///
    ///  1. the handler calls `ctx.block({.keys = {...}, .deadline = ..., .timeout_reply = ...})`
    ///     and returns without writing a reply;
    ///  2. the Dispatcher stores the request, with a copy of argv, in `session.blocked` and
    ///     returns Outcome::blocked; the server sends nothing and stops reading from the
    ///     client;
    ///  3. writes that may serve it call `db.signal_key_ready(key)`; after each command the
    ///     server takes `db.take_ready_keys()` and, for every client blocked on one of them
    ///     (oldest first), calls Dispatcher::retry_blocked(), which runs the command again.
    ///     The handler then serves it (a reply, Outcome::replied) or blocks again;
    ///  4. when the deadline passes first, the server calls Dispatcher::time_out_blocked(),
    ///     which writes the timeout reply (null array or null bulk) and clears the block.
    ///
    /// `request.argv` is filled in by the Dispatcher. A client that is not allowed to block
    /// (the AOF replay, a MULTI in later labs) gets the timeout reply at once.
    void block(BlockRequest request);

    /// True when the session may block (a normal client): handlers of blocking commands ask
    /// it before calling block(), or just call block() and let the Dispatcher reply.
    [[nodiscard]] bool may_block() const { return session.kind == ClientKind::normal; }

    // --- Used by the Dispatcher after the handler returns ---
    [[nodiscard]] const std::optional<std::vector<std::string>>& replacement() const {
        return replacement_;
    }
    [[nodiscard]] const std::vector<std::vector<std::string>>& extra_propagation() const {
        return extra_;
    }
    [[nodiscard]] bool propagation_prevented() const { return propagation_prevented_; }
    [[nodiscard]] bool propagation_forced() const { return propagation_forced_; }
    [[nodiscard]] std::optional<BlockRequest>& block_request() { return block_request_; }

private:
    std::optional<std::vector<std::string>> replacement_;
    std::vector<std::vector<std::string>> extra_;
    bool propagation_prevented_ = false;
    bool propagation_forced_ = false;
    std::optional<BlockRequest> block_request_;
};

}  // namespace cmd
