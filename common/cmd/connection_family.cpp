// The connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO. CLIENT is in
// client_command.cpp. Introduced in lab 5.
#include <optional>
#include <string>

#include "cmd/context.hpp"
#include "cmd/errors.hpp"
#include "cmd/families.hpp"
#include "cmd/handler_support.hpp"
#include "cmd/server_state.hpp"

namespace cmd {

namespace {

/* PING [message] */
void ping_command(Context& ctx) {
    if (ctx.argv.size() > 2) return ctx.reply_wrong_arity();
    ctx.argv.size() == 2 ? ctx.reply.bulk(ctx.argv[1]) : ctx.reply.simple_string("PONG");
}

/* ECHO message */
void echo_command(Context& ctx) {
    ctx.reply.bulk(ctx.argv[1]);
}

/* QUIT */
void quit_command(Context& ctx) {
    ctx.reply_ok();
    ctx.session.close_after_reply = true;
}

/* SELECT index */
void select_command(Context& ctx) {
    const auto index = integer_argument(ctx, ctx.argv[1]);
    if (!index) return;
    if (*index < 0 || *index >= ctx.config.databases) {
        return ctx.reply.error(errors::db_index_out_of_range);
    }
    ctx.session.database = static_cast<int>(*index);
    ctx.reply_ok();
}

// The one user is Redis's `default`: without requirepass it takes any password ("nopass"),
// with it only that password.
bool password_accepted(const Context& ctx, std::string_view user, std::string_view password) {
    return user == "default" &&
           (ctx.config.requirepass.empty() || password == ctx.config.requirepass);
}

/* AUTH [username] password */
void auth_command(Context& ctx) {
    if (ctx.argv.size() > 3) return ctx.reply.error(errors::syntax);
    if (ctx.argv.size() == 2 && ctx.config.requirepass.empty()) {
        return ctx.reply.error(errors::auth_without_password);
    }
    const std::string_view user = ctx.argv.size() == 3 ? ctx.argv[1] : "default";
    if (!password_accepted(ctx, user, ctx.argv.back())) return ctx.reply.error(errors::wrong_pass);
    ctx.session.authenticated = true;
    ctx.reply_ok();
}

struct HelloOptions {
    std::optional<std::string_view> user;
    std::optional<std::string_view> password;
    std::optional<std::string_view> name;
};

std::optional<HelloOptions> parse_hello_options(Context& ctx) {
    HelloOptions options;
    for (std::size_t i = 2; i < ctx.argv.size(); ++i) {
        const std::size_t more = ctx.argv.size() - 1 - i;
        if (equals_ignoring_case(ctx.argv[i], "AUTH") && more >= 2) {
            options.user = ctx.argv[i + 1];
            options.password = ctx.argv[i + 2];
            i += 2;
        } else if (equals_ignoring_case(ctx.argv[i], "SETNAME") && more >= 1) {
            options.name = ctx.argv[++i];
        } else {
            ctx.reply.error(errors::hello_syntax(ctx.argv[i]));
            return std::nullopt;
        }
    }
    return options;
}

/* HELLO [protover [AUTH username password] [SETNAME clientname]] */
void hello_command(Context& ctx) {
    long long version = 0;
    if (ctx.argv.size() >= 2) {
        const auto parsed = parse_integer(ctx.argv[1]);
        if (!parsed) return ctx.reply.error(errors::protocol_version_not_integer);
        if (*parsed < 2 || *parsed > 3) return ctx.reply.error(errors::no_proto);
        version = *parsed;
    }
    const auto options = parse_hello_options(ctx);
    if (!options) return;
    if (options->user) {
        if (!password_accepted(ctx, *options->user, *options->password)) {
            return ctx.reply.error(errors::wrong_pass);
        }
        ctx.session.authenticated = true;
    }
    if (!ctx.session.authenticated && !ctx.config.requirepass.empty()) {
        return ctx.reply.error(errors::hello_not_authenticated);
    }
    if (options->name) {
        if (!is_valid_client_name(*options->name)) {
            return ctx.reply.error(errors::client_name_invalid);
        }
        ctx.session.name = *options->name;
    }
    if (version != 0) {
        ctx.session.protocol = static_cast<resp::Protocol>(version);
        ctx.reply.set_protocol(ctx.session.protocol);  // the reply is in the new protocol
    }
    ctx.reply.map_header(7);
    ctx.reply.bulk("server");
    ctx.reply.bulk("redis");
    ctx.reply.bulk("version");
    ctx.reply.bulk(redis_version);
    ctx.reply.bulk("proto");
    ctx.reply.integer(static_cast<long long>(ctx.session.protocol));
    ctx.reply.bulk("id");
    ctx.reply.integer(static_cast<long long>(ctx.session.id));
    ctx.reply.bulk("mode");
    ctx.reply.bulk("standalone");
    ctx.reply.bulk("role");
    ctx.reply.bulk("master");
    ctx.reply.bulk("modules");
    ctx.reply.array_header(0);
}

Command command(std::string name, int arity, Flags flags, Handler handler, std::string_view syntax,
                std::string_view summary, std::string_view since) {
    return make_command(Group::connection, std::move(name), arity, flags, KeySpec{}, handler,
                        syntax, summary, since);
}

}  // namespace

void register_connection_family(CommandTable& table) {
    const Flags always = Flag::fast | Flag::loading | Flag::stale;
    table.add(command("ping", -1, Flags{Flag::fast}, ping_command, "PING [message]",
                      "Ping the server", "1.0.0"));
    table.add(command("echo", 2, Flags{Flag::fast}, echo_command, "ECHO message",
                      "Echo the given string", "1.0.0"));
    table.add(command("quit", -1, always | Flag::no_auth | Flag::allow_busy, quit_command, "QUIT",
                      "Close the connection", "1.0.0"));
    table.add(command("select", 2, always, select_command, "SELECT index",
                      "Change the selected database for the current connection", "1.0.0"));
    table.add(command("auth", -2, always | Flag::no_auth | Flag::noscript, auth_command,
                      "AUTH [username] password", "Authenticate to the server", "1.0.0"));
    table.add(command("hello", -1, always | Flag::no_auth | Flag::noscript, hello_command,
                      "HELLO [protover [AUTH username password] [SETNAME clientname]]",
                      "Handshake with Redis", "6.0.0"));
}

}  // namespace cmd
