// CLIENT and its subcommands: ID, SETNAME, GETNAME, LIST, INFO, KILL, HELP, with CLIENT LIST's
// line format copied field by field from Redis 7. Introduced in lab 5.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "cmd/context.hpp"
#include "cmd/errors.hpp"
#include "cmd/families.hpp"
#include "cmd/handler_support.hpp"

namespace cmd {

bool is_valid_client_name(std::string_view name) {
    for (const char c : name) {
        if (c < '!' || c > '~') return false;
    }
    return true;
}

std::string client_info_line(const Session& session, store::TimePoint now) {
    using std::chrono::duration_cast;
    using std::chrono::seconds;
    const auto age = duration_cast<seconds>(now - session.created_at).count();
    const auto idle = duration_cast<seconds>(now - session.last_interaction).count();
    std::string flags;
    if (session.kind == ClientKind::replica) flags += 'S';
    if (session.kind == ClientKind::master) flags += 'M';
    if (session.blocked) flags += 'b';
    if (session.close_after_reply) flags += 'c';
    if (flags.empty()) flags = "N";
    const auto memory =
        session.query_buffer_bytes + session.query_buffer_free + session.output_buffer_bytes;
    return "id=" + std::to_string(session.id) + " addr=" + session.peer_address +
           " laddr=" + session.local_address + " fd=" + std::to_string(session.fd) +
           " name=" + session.name + " age=" + std::to_string(age) +
           " idle=" + std::to_string(idle) + " flags=" + flags +
           " db=" + std::to_string(session.database) +
           " sub=0 psub=0 ssub=0 multi=-1 qbuf=" + std::to_string(session.query_buffer_bytes) +
           " qbuf-free=" + std::to_string(session.query_buffer_free) +
           " argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=" +
           std::to_string(session.output_buffer_bytes) + " tot-mem=" + std::to_string(memory) +
           " events=r cmd=" + session.last_command +
           " user=default redir=-1 resp=" + std::to_string(static_cast<int>(session.protocol)) +
           "\n";
}

namespace {

/* CLIENT ID */
void client_id_command(Context& ctx) {
    ctx.reply.integer(static_cast<long long>(ctx.session.id));
}

/* CLIENT SETNAME connection-name */
void client_setname_command(Context& ctx) {
    if (!is_valid_client_name(ctx.argv[2])) return ctx.reply.error(errors::client_name_invalid);
    ctx.session.name = ctx.argv[2];
    ctx.reply_ok();
}

/* CLIENT GETNAME */
void client_getname_command(Context& ctx) {
    ctx.session.name.empty() ? ctx.reply.null_bulk() : ctx.reply.bulk(ctx.session.name);
}

// Redis's getClientTypeByName(): normal, master, replica (or slave), pubsub. Pubsub clients do
// not exist in the course, so that kind matches none (ClientKind::replay is never connected).
std::optional<ClientKind> client_type(std::string_view name) {
    if (equals_ignoring_case(name, "normal")) return ClientKind::normal;
    if (equals_ignoring_case(name, "master")) return ClientKind::master;
    if (equals_ignoring_case(name, "replica") || equals_ignoring_case(name, "slave")) {
        return ClientKind::replica;
    }
    if (equals_ignoring_case(name, "pubsub")) return ClientKind::replay;
    return std::nullopt;
}

/* CLIENT INFO */
void client_info_command(Context& ctx) {
    ctx.reply.verbatim("txt", client_info_line(ctx.session, ctx.now()));
}

/* CLIENT LIST [TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]] */
void client_list_command(Context& ctx) {
    std::optional<ClientKind> kind;
    std::vector<std::uint64_t> ids;
    for (std::size_t i = 2; i < ctx.argv.size(); ++i) {
        const bool has_value = i + 1 < ctx.argv.size();
        if (equals_ignoring_case(ctx.argv[i], "TYPE") && has_value) {
            const std::string_view type = ctx.argv[++i];
            kind = client_type(type);
            if (!kind) return ctx.reply.error(errors::unknown_client_type(type));
        } else if (equals_ignoring_case(ctx.argv[i], "ID") && has_value) {
            for (++i; i < ctx.argv.size(); ++i) {
                const auto id = parse_integer(ctx.argv[i]);
                if (!id || *id <= 0) return ctx.reply.error(errors::invalid_client_id);
                ids.push_back(static_cast<std::uint64_t>(*id));
            }
        } else {
            return ctx.reply.error(errors::syntax);
        }
    }
    std::string text;
    ctx.server.for_each_client([&](const Session& session) {
        const bool wanted =
            ids.empty() || std::find(ids.begin(), ids.end(), session.id) != ids.end();
        if ((!kind || session.kind == *kind) && wanted)
            text += client_info_line(session, ctx.now());
    });
    ctx.reply.verbatim("txt", text);
}

/* CLIENT KILL ip:port | CLIENT KILL <ID client-id | TYPE type | ADDR ip:port | SKIPME yes/no> ...
 */
void client_kill_command(Context& ctx) {
    // The old form: one address, replies OK or an error.
    if (ctx.argv.size() == 3) {
        std::optional<std::uint64_t> victim;
        ctx.server.for_each_client([&](const Session& session) {
            if (session.peer_address == ctx.argv[2]) victim = session.id;
        });
        if (!victim || !ctx.server.kill_client(*victim)) {
            return ctx.reply.error(errors::no_such_client);
        }
        return ctx.reply_ok();
    }
    std::optional<std::uint64_t> id;
    std::optional<std::string_view> address;
    std::optional<ClientKind> kind;
    bool skip_me = true;
    for (std::size_t i = 2; i < ctx.argv.size(); i += 2) {
        if (i + 1 >= ctx.argv.size()) return ctx.reply.error(errors::syntax);
        const std::string_view value = ctx.argv[i + 1];
        if (equals_ignoring_case(ctx.argv[i], "ID")) {
            const auto parsed = parse_integer(value);
            if (!parsed || *parsed <= 0) return ctx.reply.error(errors::client_id_not_positive);
            id = static_cast<std::uint64_t>(*parsed);
        } else if (equals_ignoring_case(ctx.argv[i], "ADDR")) {
            address = value;
        } else if (equals_ignoring_case(ctx.argv[i], "TYPE")) {
            kind = client_type(value);
            if (!kind) return ctx.reply.error(errors::unknown_client_type(value));
        } else if (equals_ignoring_case(ctx.argv[i], "SKIPME") &&
                   (equals_ignoring_case(value, "yes") || equals_ignoring_case(value, "no"))) {
            skip_me = equals_ignoring_case(value, "yes");
        } else {
            return ctx.reply.error(errors::syntax);
        }
    }
    std::vector<std::uint64_t> victims;
    ctx.server.for_each_client([&](const Session& session) {
        if (id && session.id != *id) return;
        if (address && session.peer_address != *address) return;
        if (kind && session.kind != *kind) return;
        if (skip_me && session.id == ctx.session.id) return;
        victims.push_back(session.id);
    });
    long long killed = 0;
    for (const std::uint64_t victim : victims) {
        if (victim == ctx.session.id) {
            ctx.session.close_after_reply = true;
            ++killed;
        } else if (ctx.server.kill_client(victim)) {
            ++killed;
        }
    }
    ctx.reply.integer(killed);
}

/* CLIENT HELP */
void client_help_command(Context& ctx) {
    static constexpr std::string_view lines[] = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * ID <client-id>",
        "      Kill connections by client id.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "HELP",
        "    Prints this help.",
    };
    ctx.reply.array_header(std::size(lines));
    for (const std::string_view line : lines)
        ctx.reply.simple_string(line);
}

Command subcommand(std::string name, int arity, Handler handler, std::string_view syntax,
                   std::string_view summary) {
    return make_command(Group::connection, std::move(name), arity,
                        Flag::noscript | Flag::loading | Flag::stale, KeySpec{}, handler, syntax,
                        summary, "2.4.0");
}

}  // namespace

void register_client_command(CommandTable& table) {
    table.add(Command{.name = "client",
                      .arity = -2,
                      .flags = {},
                      .keys = {},
                      .group = Group::connection,
                      .syntax = "CLIENT <subcommand>",
                      .summary = "A container for client connection commands",
                      .since = "2.4.0",
                      .handler = nullptr,
                      .subcommands = {},
                      .container = {}});
    table.add_subcommand("client", subcommand("id", 2, client_id_command, "CLIENT ID",
                                              "Returns the client ID for the current connection"));
    table.add_subcommand(
        "client", subcommand("setname", 3, client_setname_command, "CLIENT SETNAME connection-name",
                             "Set the current connection name"));
    table.add_subcommand("client", subcommand("getname", 2, client_getname_command,
                                              "CLIENT GETNAME", "Get the current connection name"));
    table.add_subcommand("client", subcommand("info", 2, client_info_command, "CLIENT INFO",
                                              "Returns information about the current client "
                                              "connection."));
    table.add_subcommand("client",
                         subcommand("list", -2, client_list_command,
                                    "CLIENT LIST [TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID "
                                    "client-id [client-id ...]]",
                                    "Get the list of client connections"));
    table.add_subcommand("client", subcommand("kill", -3, client_kill_command,
                                              "CLIENT KILL ip:port | CLIENT KILL <ID client-id | "
                                              "ADDR ip:port | SKIPME yes/no> ...",
                                              "Kill the connection of a client"));
    table.add_subcommand("client", subcommand("help", 2, client_help_command, "CLIENT HELP",
                                              "Show helpful text about the different "
                                              "subcommands"));
}

}  // namespace cmd
