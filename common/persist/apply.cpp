// The four write commands of lab 4's append-only file, executed on a Keyspace. A stand-in for
// lab 5's command table; introduced in lab 4.
#include "persist/apply.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>
#include <utility>

namespace persist {

namespace {

bool equals_ignoring_case(std::string_view left, std::string_view right) {
    return std::equal(left.begin(), left.end(), right.begin(), right.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
    });
}

// Redis's string2ll(): the whole text is a decimal integer, optionally negative.
std::optional<std::int64_t> parse_integer(std::string_view text) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || text.starts_with('+')) {
        return std::nullopt;
    }
    return value;
}

store::TimePoint from_unix_ms(std::int64_t ms) {
    return store::TimePoint{std::chrono::milliseconds{ms}};
}

ApplyResult failure(ApplyStatus status, std::string message) {
    return {status, std::move(message)};
}

ApplyResult wrong_arity(std::string_view name) {
    return failure(ApplyStatus::invalid_arguments,
                   "ERR wrong number of arguments for '" + std::string{name} + "' command");
}

ApplyResult not_an_integer() {
    return failure(ApplyStatus::invalid_arguments, "ERR value is not an integer or out of range");
}

// SET key value [PXAT unix-time-milliseconds]
ApplyResult set_command(store::Keyspace& keyspace, std::span<const std::string_view> argv) {
    if (argv.size() != 3 && argv.size() != 5) {
        return argv.size() < 3 ? wrong_arity("set")
                               : failure(ApplyStatus::invalid_arguments, "ERR syntax error");
    }
    std::optional<store::TimePoint> deadline;
    if (argv.size() == 5) {
        if (!equals_ignoring_case(argv[3], "PXAT")) {
            return failure(ApplyStatus::invalid_arguments, "ERR syntax error");
        }
        const auto ms = parse_integer(argv[4]);
        if (!ms) return not_an_integer();
        if (*ms <= 0) {
            return failure(ApplyStatus::invalid_arguments,
                           "ERR invalid expire time in 'set' command");
        }
        deadline = from_unix_ms(*ms);
    }
    keyspace.set(argv[1], argv[2], deadline);
    return {};
}

// DEL key [key ...]
ApplyResult del_command(store::Keyspace& keyspace, std::span<const std::string_view> argv) {
    if (argv.size() < 2) return wrong_arity("del");
    for (const auto key : argv.subspan(1))
        keyspace.del(key);
    return {};
}

// PEXPIREAT key unix-time-milliseconds
ApplyResult pexpireat_command(store::Keyspace& keyspace, std::span<const std::string_view> argv) {
    if (argv.size() != 3) return wrong_arity("pexpireat");
    const auto ms = parse_integer(argv[2]);
    if (!ms) return not_an_integer();
    keyspace.expire_at(argv[1], from_unix_ms(*ms));
    return {};
}

// PERSIST key
ApplyResult persist_command(store::Keyspace& keyspace, std::span<const std::string_view> argv) {
    if (argv.size() != 2) return wrong_arity("persist");
    keyspace.persist(argv[1]);
    return {};
}

}  // namespace

ApplyResult apply(store::Keyspace& keyspace, std::span<const std::string_view> argv) {
    if (argv.empty()) return failure(ApplyStatus::unknown_command, "ERR empty command");
    const std::string_view name = argv[0];
    if (equals_ignoring_case(name, "SET")) return set_command(keyspace, argv);
    if (equals_ignoring_case(name, "DEL")) return del_command(keyspace, argv);
    if (equals_ignoring_case(name, "PEXPIREAT")) return pexpireat_command(keyspace, argv);
    if (equals_ignoring_case(name, "PERSIST")) return persist_command(keyspace, argv);
    return failure(ApplyStatus::unknown_command, "ERR unknown command '" + std::string{name} + "'");
}

}  // namespace persist
