// Lab 3's five commands as a small table: lookup, arity check, then the handler. Replies and
// error texts match Redis 7 byte for byte. Introduced in lab 3.
#include "resp/basic_commands.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace resp {

namespace {

using Arguments = std::span<const std::string_view>;
using Handler = void (*)(store::Keyspace&, Arguments, Writer&);

struct CommandSpec {
    std::string_view name;  // lower case, as Redis prints it in errors
    int arity;              // exact when positive, minimum when negative
    int most;               // the most arguments, name included, when arity is negative (0: any)
    Handler handler;
};

/* PING [message] */
void ping(store::Keyspace&, Arguments argv, Writer& writer) {
    if (argv.size() == 1) {
        writer.simple_string("PONG");
    } else {
        writer.bulk(argv[1]);
    }
}

/* ECHO message */
void echo(store::Keyspace&, Arguments argv, Writer& writer) {
    writer.bulk(argv[1]);
}

/* SET key value   (lab 5 adds EX, PX, NX, XX, GET, KEEPTTL) */
void set(store::Keyspace& keyspace, Arguments argv, Writer& writer) {
    // Redis answers an option it does not understand with a syntax error; to lab 3 every
    // option is one it does not understand yet.
    if (argv.size() > 3) {
        writer.error("ERR syntax error");
        return;
    }
    keyspace.set(argv[1], argv[2]);
    writer.simple_string("OK");
}

/* GET key */
void get(store::Keyspace& keyspace, Arguments argv, Writer& writer) {
    if (const auto value = keyspace.get(argv[1])) {
        writer.bulk(*value);
    } else {
        writer.null_bulk();
    }
}

/* DEL key [key ...] */
void del(store::Keyspace& keyspace, Arguments argv, Writer& writer) {
    long long deleted = 0;
    for (const std::string_view key : argv.subspan(1))
        deleted += keyspace.del(key) ? 1 : 0;
    writer.integer(deleted);
}

constexpr std::array<CommandSpec, 5> commands{{
    {"ping", -1, 2, ping},  // Redis's table says -1 and pingCommand refuses a third argument
    {"echo", 2, 0, echo},
    {"set", -3, 0, set},
    {"get", 2, 0, get},
    {"del", -2, 0, del},
}};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

bool arity_matches(const CommandSpec& command, std::size_t count) {
    if (command.arity >= 0) return count == static_cast<std::size_t>(command.arity);
    if (command.most > 0 && count > static_cast<std::size_t>(command.most)) return false;
    return count >= static_cast<std::size_t>(-command.arity);
}

// What printf's "%.*s" takes of an argument: at most `limit` bytes, and nothing from a \0 on.
std::string_view c_string_prefix(std::string_view text, std::size_t limit) {
    text = text.substr(0, text.find('\0'));
    return text.substr(0, limit);
}

}  // namespace

std::string unknown_command_message(std::span<const std::string_view> argv) {
    // Redis: "unknown command '%.128s', with args beginning with: %s", where the arguments
    // are each printed as "'%.*s' " until 128 bytes of them have been printed.
    std::string arguments;
    for (std::size_t i = 1; i < argv.size() && arguments.size() < 128; ++i) {
        arguments += '\'';
        arguments += c_string_prefix(argv[i], 128 - (arguments.size() - 1));
        arguments += "' ";
    }
    std::string message = "ERR unknown command '";
    message += c_string_prefix(argv.empty() ? std::string_view{} : argv[0], 128);
    message += "', with args beginning with: ";
    message += arguments;
    return message;
}

std::string wrong_arity_message(std::string_view name) {
    return "ERR wrong number of arguments for '" + std::string{name} + "' command";
}

void BasicCommands::execute(std::span<const std::string_view> argv, Writer& writer) {
    if (argv.empty()) return;  // the parser never produces one; nothing to answer
    const auto spec = std::ranges::find_if(commands, [&](const CommandSpec& command) {
        return equals_ignoring_case(command.name, argv[0]);
    });
    if (spec == commands.end()) {
        writer.error(unknown_command_message(argv));
        return;
    }
    if (!arity_matches(*spec, argv.size())) {
        writer.error(wrong_arity_message(spec->name));
        return;
    }
    spec->handler(keyspace_, argv, writer);
}

}  // namespace resp
