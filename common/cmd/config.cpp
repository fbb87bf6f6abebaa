// The option table: one row per server option (name, help, mutability, parse, print), read
// by both the command line (CLI11) and CONFIG GET/SET. Introduced in lab 5.
#include "cmd/config.hpp"

#include <CLI/CLI.hpp>
#include <array>
#include <filesystem>
#include <limits>
#include <system_error>

#include "cmd/command.hpp"
#include "cmd/glob.hpp"
#include "cmd/numbers.hpp"

namespace cmd {

namespace {

using Error = std::optional<std::string>;

// Redis's reasons, as CONFIG SET reports them after "- ".
constexpr std::string_view not_an_integer = "argument couldn't be parsed into an integer";

// Parses an integer option in [min, max], with Redis's two error texts.
Error set_integer(std::string_view text, long long min, long long max, auto& field) {
    const auto value = parse_integer(text);
    if (!value) return std::string{not_an_integer};
    if (*value < min || *value > max) {
        return "argument must be between " + std::to_string(min) + " and " + std::to_string(max) +
               " inclusive";
    }
    field = static_cast<std::remove_reference_t<decltype(field)>>(*value);
    return std::nullopt;
}

Error set_yes_no(std::string_view text, bool& field) {
    if (equals_ignoring_case(text, "yes")) {
        field = true;
    } else if (equals_ignoring_case(text, "no")) {
        field = false;
    } else {
        return "argument must be 'yes' or 'no'";
    }
    return std::nullopt;
}

Error set_memory(std::string_view text, std::uint64_t min, std::uint64_t& field) {
    const auto value = parse_memory(text);
    if (!value) return "argument must be a memory value";
    if (*value < min) {
        return "argument must be between " + std::to_string(min) + " and " +
               std::to_string(std::numeric_limits<long long>::max()) + " inclusive";
    }
    field = *value;
    return std::nullopt;
}

// One row of the option table.
struct Option {
    std::string_view name;
    std::string_view help;
    Mutability mutability;
    std::string (*print)(const Config&);
    Error (*parse)(Config&, std::string_view);
};

// Every option, once. Redis's defaults live in the field initialisers of Config.
const auto options = std::to_array<Option>({
    {"port", "TCP port to listen on (0: any free port)", Mutability::immutable,
     [](const Config& c) { return std::to_string(c.port); },
     [](Config& c, std::string_view v) { return set_integer(v, 0, 65535, c.port); }},
    {"bind", "Address to listen on", Mutability::immutable, [](const Config& c) { return c.bind; },
     [](Config& c, std::string_view v) -> Error {
         c.bind = v;
         return std::nullopt;
     }},
    {"protected-mode", "With no password, refuse clients that are not on loopback (yes/no)",
     Mutability::modifiable,
     [](const Config& c) { return std::string{c.protected_mode ? "yes" : "no"}; },
     [](Config& c, std::string_view v) { return set_yes_no(v, c.protected_mode); }},
    {"dir", "Directory for the snapshot and the append-only file", Mutability::protected_,
     [](const Config& c) {
         std::error_code error;
         const auto absolute = std::filesystem::absolute(c.dir, error);
         if (error) return c.dir;
         std::string path = absolute.lexically_normal().string();
         if (path.size() > 1 && path.back() == '/') path.pop_back();  // "/a/." is "/a/"
         return path;
     },
     [](Config& c, std::string_view v) -> Error {
         c.dir = v;
         return std::nullopt;
     }},
    {"dbfilename", "Snapshot file name: RDB, or lab 4's JSON for a name ending in .json",
     Mutability::protected_, [](const Config& c) { return c.dbfilename; },
     [](Config& c, std::string_view v) -> Error {
         if (v.empty() || v.find('/') != std::string_view::npos) {
             return "dbfilename can't be a path, just a filename";
         }
         c.dbfilename = v;
         return std::nullopt;
     }},
    {"save", "Snapshot points \"<seconds> <changes> ...\"; \"\" disables snapshots",
     Mutability::modifiable, [](const Config& c) { return format_save_points(c.save); },
     [](Config& c, std::string_view v) -> Error {
         auto points = parse_save_points(v);
         if (!points) return "Invalid save parameters";
         c.save = std::move(*points);
         return std::nullopt;
     }},
    {"appendonly", "Log every write to the append-only file (yes/no)", Mutability::modifiable,
     [](const Config& c) { return std::string{c.appendonly ? "yes" : "no"}; },
     [](Config& c, std::string_view v) { return set_yes_no(v, c.appendonly); }},
    {"appendfilename", "Append-only file name", Mutability::immutable,
     [](const Config& c) { return c.appendfilename; },
     [](Config& c, std::string_view v) -> Error {
         if (v.empty() || v.find('/') != std::string_view::npos) {
             return "appendfilename can't be a path, just a filename";
         }
         c.appendfilename = v;
         return std::nullopt;
     }},
    {"appendfsync", "When to fsync the append-only file: always, everysec, no",
     Mutability::modifiable, [](const Config& c) { return std::string{to_string(c.appendfsync)}; },
     [](Config& c, std::string_view v) -> Error {
         const auto policy = persist::parse_fsync_policy(to_lower(v));
         if (!policy) return "argument(s) must be one of the following: everysec, always, no";
         c.appendfsync = *policy;
         return std::nullopt;
     }},
    {"maxclients", "Maximum number of connected clients", Mutability::modifiable,
     [](const Config& c) { return std::to_string(c.maxclients); },
     [](Config& c, std::string_view v) { return set_integer(v, 1, 4294967295LL, c.maxclients); }},
    {"requirepass", "Password clients must give with AUTH (empty: none)", Mutability::modifiable,
     [](const Config& c) { return c.requirepass; },
     [](Config& c, std::string_view v) -> Error {
         c.requirepass = v;
         return std::nullopt;
     }},
    {"databases", "Number of databases (the course has one)", Mutability::immutable,
     [](const Config& c) { return std::to_string(c.databases); },
     [](Config& c, std::string_view v) { return set_integer(v, 1, 1, c.databases); }},
    {"hz", "Background task frequency per second (1-500)", Mutability::modifiable,
     [](const Config& c) { return std::to_string(c.hz); },
     [](Config& c, std::string_view v) -> Error {
         // Like Redis, out-of-range values are clamped, not refused.
         auto error =
             set_integer(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max(), c.hz);
         c.hz = std::clamp(c.hz, 1, 500);
         return error;
     }},
    {"maxmemory", "Memory limit in bytes (reported; eviction is not implemented)",
     Mutability::modifiable, [](const Config& c) { return std::to_string(c.maxmemory); },
     [](Config& c, std::string_view v) { return set_memory(v, 0, c.maxmemory); }},
    {"proto-max-bulk-len", "Longest string a command may build", Mutability::modifiable,
     [](const Config& c) { return std::to_string(c.proto_max_bulk_len); },
     [](Config& c, std::string_view v) {
         return set_memory(v, 1024 * 1024, c.proto_max_bulk_len);
     }},
    {"replicaof", "Lab 8: replicate from the master at \"<host> <port>\"", Mutability::immutable,
     [](const Config& c) { return c.replicaof; },
     [](Config& c, std::string_view v) -> Error {
         const std::size_t space = v.find(' ');
         if (v.empty()) {
             c.replicaof.clear();
             return std::nullopt;
         }
         const auto port =
             space == std::string_view::npos ? std::nullopt : parse_integer(v.substr(space + 1));
         if (space == 0 || !port || *port < 0 || *port > 65535) {
             return "argument must be \"<host> <port>\"";
         }
         c.replicaof = v;
         return std::nullopt;
     }},
    {"masterauth", "Lab 8: password to authenticate to the master with", Mutability::modifiable,
     [](const Config& c) { return c.masterauth; },
     [](Config& c, std::string_view v) -> Error {
         c.masterauth = v;
         return std::nullopt;
     }},
    {"repl-backlog-size", "Lab 8: bytes of replication stream kept for partial resyncs",
     Mutability::modifiable, [](const Config& c) { return std::to_string(c.repl_backlog_size); },
     [](Config& c, std::string_view v) { return set_memory(v, 1, c.repl_backlog_size); }},
    {"repl-timeout", "Lab 8: seconds of silence before a replication link is dropped",
     Mutability::modifiable, [](const Config& c) { return std::to_string(c.repl_timeout); },
     [](Config& c, std::string_view v) {
         return set_integer(v, 1, std::numeric_limits<int>::max(), c.repl_timeout);
     }},
    {"repl-ping-replica-period", "Lab 8: seconds between a master's PINGs to its replicas",
     Mutability::modifiable,
     [](const Config& c) { return std::to_string(c.repl_ping_replica_period); },
     [](Config& c, std::string_view v) {
         return set_integer(v, 1, std::numeric_limits<int>::max(), c.repl_ping_replica_period);
     }},
});

const Option* find_option(std::string_view name) {
    for (const Option& option : options) {
        if (equals_ignoring_case(option.name, name)) return &option;
    }
    return nullptr;
}

}  // namespace

void Config::add_to(CLI::App& app) {
    for (const Option& option : options) {
        const std::string flag = "--" + std::string{option.name};
        const Option* row = &option;
        if (option.name == "replicaof") {
            // redis-server's two forms: `--replicaof "host port"` and `--replicaof host port`.
            app.add_option_function<std::vector<std::string>>(
                   flag,
                   [this, row, flag](const std::vector<std::string>& words) {
                       std::string value;
                       for (const auto& word : words)
                           value += (value.empty() ? "" : " ") + word;
                       if (auto error = row->parse(*this, value)) {
                           throw CLI::ValidationError{flag, *error};
                       }
                   },
                   std::string{option.help})
                ->expected(1, 2);
            continue;
        }
        app.add_option_function<std::string>(
               flag,
               [this, row, flag](const std::string& value) {
                   if (auto error = row->parse(*this, value)) {
                       throw CLI::ValidationError{flag, *error};
                   }
               },
               std::string{option.help})
            // The default as given, not as CONFIG GET shows it (dir made absolute).
            ->default_str(option.name == "dir" ? dir : option.print(*this));
    }
}

std::vector<std::pair<std::string, std::string>> Config::get(std::string_view pattern) const {
    std::vector<std::pair<std::string, std::string>> matches;
    for (const Option& option : options) {
        if (glob_match(pattern, option.name, Case::insensitive)) {
            matches.emplace_back(option.name, option.print(*this));
        }
    }
    return matches;
}

std::optional<std::string> Config::get_one(std::string_view name) const {
    const Option* option = find_option(name);
    if (option == nullptr) return std::nullopt;
    return option->print(*this);
}

std::optional<Mutability> Config::mutability(std::string_view name) const {
    const Option* option = find_option(name);
    if (option == nullptr) return std::nullopt;
    return option->mutability;
}

std::optional<std::string> Config::set(std::string_view name, std::string_view value) {
    const Option* option = find_option(name);
    if (option == nullptr) return "unknown option '" + std::string{name} + "'";
    Config candidate = *this;  // leave *this unchanged when the value is bad
    if (auto error = option->parse(candidate, value)) return error;
    *this = std::move(candidate);
    return std::nullopt;
}

std::vector<std::string_view> Config::names() {
    std::vector<std::string_view> names;
    for (const Option& option : options)
        names.push_back(option.name);
    return names;
}

std::optional<std::vector<SavePoint>> parse_save_points(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = std::min(text.find(' ', start), text.size());
        if (end > start) words.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    if (words.size() % 2 != 0) return std::nullopt;
    std::vector<SavePoint> points;
    for (std::size_t i = 0; i < words.size(); i += 2) {
        const auto seconds = parse_integer(words[i]);
        const auto changes = parse_integer(words[i + 1]);
        if (!seconds || !changes || *seconds < 1 || *changes < 0) return std::nullopt;
        points.push_back({std::chrono::seconds{*seconds}, static_cast<std::uint64_t>(*changes)});
    }
    return points;
}

std::string format_save_points(const std::vector<SavePoint>& points) {
    std::string text;
    for (const SavePoint& point : points) {
        if (!text.empty()) text += ' ';
        text += std::to_string(point.after.count()) + " " + std::to_string(point.changes);
    }
    return text;
}

std::optional<std::uint64_t> parse_memory(std::string_view text) {
    // Redis's memtoull(): digits, then an optional unit: k/m/g are powers of 1000,
    // kb/mb/gb powers of 1024; any case.
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
        ++digits;
    if (digits == 0) return std::nullopt;
    const std::string unit = to_lower(text.substr(digits));
    std::uint64_t multiplier = 0;
    if (unit.empty() || unit == "b") multiplier = 1;
    if (unit == "k") multiplier = 1000;
    if (unit == "kb") multiplier = 1024;
    if (unit == "m") multiplier = 1000 * 1000;
    if (unit == "mb") multiplier = 1024 * 1024;
    if (unit == "g") multiplier = 1000ULL * 1000 * 1000;
    if (unit == "gb") multiplier = 1024ULL * 1024 * 1024;
    if (multiplier == 0) return std::nullopt;
    const auto number = parse_integer(text.substr(0, digits));
    if (!number) return std::nullopt;
    const auto value = static_cast<std::uint64_t>(*number);
    if (value > std::numeric_limits<std::uint64_t>::max() / multiplier) return std::nullopt;
    return value * multiplier;
}

}  // namespace cmd
