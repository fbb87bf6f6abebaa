// COMMAND and its subcommands, answered from the command table itself: COUNT, LIST, INFO,
// DOCS (what redis-cli 7 asks for on connect), HELP. Introduced in lab 5.
#include <string>
#include <vector>

#include "cmd/context.hpp"
#include "cmd/families.hpp"

namespace cmd {

namespace {

// Redis's ACL categories, derived from what the table knows (Redis lists them per command).
std::vector<std::string_view> categories(const Command& command) {
    std::vector<std::string_view> result;
    if (command.flags.has(Flag::write)) result.push_back("@write");
    if (command.flags.has(Flag::readonly)) result.push_back("@read");
    switch (command.group) {
        case Group::string:
            result.push_back("@string");
            break;
        case Group::list:
            result.push_back("@list");
            break;
        case Group::set:
            result.push_back("@set");
            break;
        case Group::connection:
            result.push_back("@connection");
            break;
        case Group::generic:
            result.push_back("@keyspace");
            break;
        default:
            break;
    }
    if (command.flags.has(Flag::admin)) {
        result.push_back("@admin");
        result.push_back("@dangerous");
    }
    if (command.flags.has(Flag::blocking)) result.push_back("@blocking");
    result.push_back(command.flags.has(Flag::fast) ? "@fast" : "@slow");
    return result;
}

// One COMMAND INFO entry: name, arity, flags, first key, last key, step, ACL categories,
// tips, key specifications (empty: only the legacy triple is kept), subcommands.
void write_info(resp::Writer& reply, const Command& command) {
    reply.array_header(10);
    reply.bulk(command.full_name());
    reply.integer(command.arity);
    const auto flags = flag_names(command.flags);
    reply.set_header(flags.size());
    for (const std::string_view flag : flags)
        reply.simple_string(flag);
    reply.integer(command.keys.first);
    reply.integer(command.keys.last);
    reply.integer(command.keys.step);
    const auto acl = categories(command);
    reply.set_header(acl.size());
    for (const std::string_view category : acl)
        reply.simple_string(category);
    reply.set_header(0);
    reply.array_header(0);
    reply.array_header(command.subcommands.size());
    for (const auto& [name, sub] : command.subcommands)
        write_info(reply, sub);
}

// One COMMAND DOCS value: summary, since, group, and the subcommands' docs for a container.
void write_docs(resp::Writer& reply, const Command& command) {
    const bool container = command.is_container();
    reply.map_header(container ? 4 : 3);
    reply.bulk("summary");
    reply.bulk(command.summary);
    reply.bulk("since");
    reply.bulk(command.since);
    reply.bulk("group");
    reply.bulk(to_string(command.group));
    if (!container) return;
    reply.bulk("subcommands");
    reply.map_header(command.subcommands.size());
    for (const auto& [name, sub] : command.subcommands) {
        reply.bulk(sub.full_name());
        write_docs(reply, sub);
    }
}

/* COMMAND */
void command_command(Context& ctx) {
    ctx.reply.array_header(ctx.commands.size());
    for (const auto& [name, command] : ctx.commands.all())
        write_info(ctx.reply, command);
}

/* COMMAND COUNT */
void command_count_command(Context& ctx) {
    ctx.reply.integer(static_cast<long long>(ctx.commands.size()));
}

/* COMMAND LIST */
void command_list_command(Context& ctx) {
    std::vector<std::string> names;
    for (const auto& [name, command] : ctx.commands.all()) {
        names.push_back(name);
        for (const auto& [sub_name, sub] : command.subcommands)
            names.push_back(sub.full_name());
    }
    ctx.reply.array_header(names.size());
    for (const std::string& name : names)
        ctx.reply.bulk(name);
}

// "config|get" names a subcommand in COMMAND INFO and COMMAND DOCS.
const Command* find_by_full_name(const CommandTable& table, std::string_view name) {
    const std::size_t bar = name.find('|');
    const Command* command = table.find(name.substr(0, bar));
    if (command == nullptr || bar == std::string_view::npos) return command;
    return CommandTable::find_subcommand(*command, name.substr(bar + 1));
}

/* COMMAND INFO [command-name [command-name ...]] */
void command_info_command(Context& ctx) {
    if (ctx.argv.size() == 2) return command_command(ctx);
    ctx.reply.array_header(ctx.argv.size() - 2);
    for (std::size_t i = 2; i < ctx.argv.size(); ++i) {
        const Command* command = find_by_full_name(ctx.commands, ctx.argv[i]);
        command ? write_info(ctx.reply, *command) : ctx.reply.null_bulk();
    }
}

/* COMMAND DOCS [command-name [command-name ...]] */
void command_docs_command(Context& ctx) {
    std::vector<const Command*> wanted;
    if (ctx.argv.size() == 2) {
        for (const auto& [name, command] : ctx.commands.all())
            wanted.push_back(&command);
    }
    for (std::size_t i = 2; i < ctx.argv.size(); ++i) {
        // Unknown names are left out, as Redis does.
        if (const Command* command = find_by_full_name(ctx.commands, ctx.argv[i])) {
            wanted.push_back(command);
        }
    }
    ctx.reply.map_header(wanted.size());
    for (const Command* command : wanted) {
        ctx.reply.bulk(command->full_name());
        write_docs(ctx.reply, *command);
    }
}

/* COMMAND HELP */
void command_help_command(Context& ctx) {
    static constexpr std::string_view lines[] = {
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "HELP",
        "    Prints this help.",
    };
    ctx.reply.array_header(std::size(lines));
    for (const std::string_view line : lines)
        ctx.reply.simple_string(line);
}

Command command(std::string name, int arity, Handler handler, std::string_view syntax,
                std::string_view summary) {
    return make_command(Group::server, std::move(name), arity, Flag::loading | Flag::stale,
                        KeySpec{}, handler, syntax, summary, "2.8.13");
}

}  // namespace

void register_command_family(CommandTable& table) {
    // COMMAND alone is allowed (arity -1), so it is not a pure container: the Dispatcher
    // sends `COMMAND` to its own handler and `COMMAND x` to a subcommand.
    table.add(
        command("command", -1, command_command, "COMMAND", "Get array of Redis command details"));
    table.add_subcommand("command", command("count", 2, command_count_command, "COMMAND COUNT",
                                            "Get total number of Redis commands"));
    table.add_subcommand("command", command("list", -2, command_list_command, "COMMAND LIST",
                                            "Get an array of Redis command names"));
    table.add_subcommand(
        "command",
        command("info", -2, command_info_command, "COMMAND INFO [command-name [command-name ...]]",
                "Get array of specific Redis command details, or all when no "
                "argument is given."));
    table.add_subcommand("command", command("docs", -2, command_docs_command,
                                            "COMMAND DOCS [command-name [command-name ...]]",
                                            "Get array of specific Redis command documentation"));
    table.add_subcommand("command", command("help", 2, command_help_command, "COMMAND HELP",
                                            "Show helpful text about the different subcommands"));
}

}  // namespace cmd
