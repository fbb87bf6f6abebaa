// CONFIG GET, SET, RESETSTAT and HELP over the option table of config.cpp. CONFIG SET of
// several options is all or nothing, as in Redis 7. Introduced in lab 5.
#include <algorithm>
#include <string>
#include <vector>

#include "cmd/context.hpp"
#include "cmd/errors.hpp"
#include "cmd/families.hpp"

namespace cmd {

namespace {

/* CONFIG GET parameter [parameter ...] */
void config_get_command(Context& ctx) {
    std::vector<std::pair<std::string, std::string>> found;
    for (std::size_t i = 2; i < ctx.argv.size(); ++i) {
        for (auto& match : ctx.config.get(ctx.argv[i])) {
            // An option matched by two patterns is listed once.
            const bool seen = std::any_of(found.begin(), found.end(), [&](const auto& item) {
                return item.first == match.first;
            });
            if (!seen) found.push_back(std::move(match));
        }
    }
    ctx.reply.map_header(found.size());  // a map in RESP3, a flat array in RESP2
    for (const auto& [name, value] : found) {
        ctx.reply.bulk(name);
        ctx.reply.bulk(value);
    }
}

// Checks every name before anything changes, with Redis's messages; true when all are
// known, settable and named once.
bool check_names(Context& ctx) {
    for (std::size_t i = 2; i < ctx.argv.size(); i += 2) {
        const std::string_view name = ctx.argv[i];
        const auto mutability = ctx.config.mutability(name);
        if (!mutability) {
            ctx.reply.error(errors::config_set_unknown(name));
            return false;
        }
        if (*mutability != Mutability::modifiable) {
            const bool immutable = *mutability == Mutability::immutable;
            ctx.reply.error(errors::config_set_failed(
                name, immutable ? errors::config_immutable : errors::config_protected));
            return false;
        }
        for (std::size_t j = 2; j < i; j += 2) {
            if (equals_ignoring_case(ctx.argv[j], name)) {
                ctx.reply.error(errors::config_set_failed(name, errors::config_duplicate));
                return false;
            }
        }
    }
    return true;
}

/* CONFIG SET parameter value [parameter value ...] */
void config_set_command(Context& ctx) {
    if (ctx.argv.size() % 2 != 0) return ctx.reply.error(errors::syntax);
    if (!check_names(ctx)) return;
    const Config before = ctx.config;
    for (std::size_t i = 2; i < ctx.argv.size(); i += 2) {
        if (auto reason = ctx.config.set(ctx.argv[i], ctx.argv[i + 1])) {
            ctx.config = before;
            return ctx.reply.error(errors::config_set_failed(to_lower(ctx.argv[i]), *reason));
        }
    }
    // Let the server act on the new values (appendonly, appendfsync, ...); if it cannot, the
    // old values come back.
    for (std::size_t i = 2; i < ctx.argv.size(); i += 2) {
        if (auto reason = ctx.server.config_changed(to_lower(ctx.argv[i]))) {
            ctx.config = before;
            return ctx.reply.error(errors::config_set_failed(to_lower(ctx.argv[i]), *reason));
        }
    }
    ctx.reply_ok();
}

/* CONFIG RESETSTAT */
void config_resetstat_command(Context& ctx) {
    ctx.state.stats.reset();
    ctx.db.stats = {};
    ctx.reply_ok();
}

/* CONFIG HELP */
void config_help_command(Context& ctx) {
    static constexpr std::string_view lines[] = {
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "HELP",
        "    Prints this help.",
    };
    ctx.reply.array_header(std::size(lines));
    for (const std::string_view line : lines)
        ctx.reply.simple_string(line);
}

Command subcommand(std::string name, int arity, Flags flags, Handler handler,
                   std::string_view syntax, std::string_view summary) {
    return make_command(Group::server, std::move(name), arity, flags, KeySpec{}, handler, syntax,
                        summary, "2.0.0");
}

}  // namespace

void register_config_command(CommandTable& table) {
    const Flags admin = Flag::admin | Flag::noscript | Flag::loading | Flag::stale;
    table.add(Command{.name = "config",
                      .arity = -2,
                      .flags = {},
                      .keys = {},
                      .group = Group::server,
                      .syntax = "CONFIG <subcommand>",
                      .summary = "A container for server configuration commands",
                      .since = "2.0.0",
                      .handler = nullptr,
                      .subcommands = {},
                      .container = {}});
    table.add_subcommand("config", subcommand("get", -3, admin, config_get_command,
                                              "CONFIG GET parameter [parameter ...]",
                                              "Get the values of configuration parameters"));
    table.add_subcommand("config", subcommand("set", -4, admin, config_set_command,
                                              "CONFIG SET parameter value [parameter value ...]",
                                              "Set configuration parameters to the given values"));
    table.add_subcommand(
        "config", subcommand("resetstat", 2, admin, config_resetstat_command, "CONFIG RESETSTAT",
                             "Reset the stats returned by INFO"));
    table.add_subcommand("config", subcommand("help", 2, Flag::loading | Flag::stale,
                                              config_help_command, "CONFIG HELP",
                                              "Show helpful text about the different "
                                              "subcommands"));
}

}  // namespace cmd
