// The command table: lookup by case-insensitive name, subcommands, and the names of flags and
// groups as Redis 7 reports them. Introduced in lab 5.
#include "cmd/command.hpp"

#include <array>
#include <stdexcept>
#include <utility>

namespace cmd {

namespace {

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

char upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

// The flag names in bit order, as COMMAND INFO prints them.
constexpr std::array<std::pair<Flag, std::string_view>, 14> flag_table{{
    {Flag::write, "write"},
    {Flag::readonly, "readonly"},
    {Flag::denyoom, "denyoom"},
    {Flag::admin, "admin"},
    {Flag::noscript, "noscript"},
    {Flag::blocking, "blocking"},
    {Flag::loading, "loading"},
    {Flag::stale, "stale"},
    {Flag::fast, "fast"},
    {Flag::no_auth, "no_auth"},
    {Flag::may_replicate, "may_replicate"},
    {Flag::sentinel, "sentinel"},
    {Flag::no_mandatory_keys, "no_mandatory_keys"},
    {Flag::allow_busy, "allow_busy"},
}};

}  // namespace

std::string to_lower(std::string_view text) {
    std::string result{text};
    for (char& c : result)
        c = lower(c);
    return result;
}

std::string to_upper(std::string_view text) {
    std::string result{text};
    for (char& c : result)
        c = upper(c);
    return result;
}

bool equals_ignoring_case(std::string_view left, std::string_view right) {
    if (left.size() != right.size()) return false;
    for (std::size_t i = 0; i < left.size(); ++i) {
        if (lower(left[i]) != lower(right[i])) return false;
    }
    return true;
}

std::vector<std::string_view> flag_names(Flags flags) {
    std::vector<std::string_view> names;
    for (const auto& [flag, name] : flag_table) {
        if (flags.has(flag)) names.push_back(name);
    }
    return names;
}

std::string_view to_string(Group group) {
    switch (group) {
        case Group::generic:
            return "generic";
        case Group::string:
            return "string";
        case Group::list:
            return "list";
        case Group::set:
            return "set";
        case Group::connection:
            return "connection";
        case Group::server:
            return "server";
        case Group::keyspace_notifications:
            return "pubsub";
    }
    return "generic";
}

std::string Command::full_name() const {
    return container.empty() ? name : container + "|" + name;
}

bool Command::accepts(std::size_t argc) const {
    const auto count = static_cast<long long>(argc);
    return arity >= 0 ? count == arity : count >= -static_cast<long long>(arity);
}

CommandTable::CommandTable(const CommandTable& other) : commands_{other.commands_} {
    reindex();
}

CommandTable& CommandTable::operator=(const CommandTable& other) {
    if (this != &other) {
        commands_ = other.commands_;
        reindex();
    }
    return *this;
}

void CommandTable::reindex() {
    index_.clear();
    for (const auto& [name, command] : commands_)
        index_.emplace(name, &command);
}

void CommandTable::add(Command command) {
    command.name = to_lower(command.name);
    std::string key = command.name;
    const auto [position, added] = commands_.insert_or_assign(std::move(key), std::move(command));
    index_.insert_or_assign(position->first, &position->second);
}

void CommandTable::add_subcommand(std::string_view container, Command subcommand) {
    const auto position = commands_.find(to_lower(container));
    if (position == commands_.end()) {
        throw std::logic_error{"add_subcommand: no container " + std::string{container}};
    }
    subcommand.name = to_lower(subcommand.name);
    subcommand.container = position->first;
    std::string key = subcommand.name;
    position->second.subcommands.insert_or_assign(std::move(key), std::move(subcommand));
}

const Command* CommandTable::find(std::string_view name) const {
    // Lower-cased on the stack: no std::string per lookup. No command name is this long.
    if (name.size() > 32) return nullptr;
    std::array<char, 32> lowered;
    for (std::size_t i = 0; i < name.size(); ++i)
        lowered[i] = lower(name[i]);
    const auto position = index_.find(std::string_view{lowered.data(), name.size()});
    return position == index_.end() ? nullptr : position->second;
}

const Command* CommandTable::find_subcommand(const Command& command, std::string_view sub) {
    const auto position = command.subcommands.find(to_lower(sub));
    return position == command.subcommands.end() ? nullptr : &position->second;
}

Command make_command(Group group, std::string name, int arity, Flags flags, KeySpec keys,
                     Handler handler, std::string_view syntax, std::string_view summary,
                     std::string_view since) {
    return Command{.name = std::move(name),
                   .arity = arity,
                   .flags = flags,
                   .keys = keys,
                   .group = group,
                   .syntax = syntax,
                   .summary = summary,
                   .since = since,
                   .handler = handler,
                   .subcommands = {},
                   .container = {}};
}

}  // namespace cmd
