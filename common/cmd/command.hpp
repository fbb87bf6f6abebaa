// The command table as data: for every command its name, arity, flags, key positions, group,
// wire syntax and handler, as Redis's server.h describes its own. Introduced in lab 5; lab 6
// adds the list and set families to the same table.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cmd {

class Context;

/// A command handler: a plain function that reads `ctx.argv`, works on the store and writes
/// exactly one reply (or asks to block, lab 6). It never checks the argument count beyond what
/// the arity guarantees: the Dispatcher has already refused a wrong count.
using Handler = void (*)(Context& ctx);

/// Command flags, named as Redis 7's COMMAND INFO shows them. A bit set; combine with `|`.
enum class Flag : std::uint32_t {
    none = 0,
    write = 1U << 0,     ///< may change the data: propagated when it did
    readonly = 1U << 1,  ///< only reads the data
    denyoom = 1U << 2,   ///< may grow memory: refused above maxmemory (not enforced yet)
    admin = 1U << 3,     ///< server administration (SAVE, SHUTDOWN, CONFIG SET)
    noscript = 1U << 4,  ///< not allowed in scripts
    blocking = 1U << 5,  ///< may block the client (lab 6: BLPOP, BRPOP, BLMOVE)
    loading = 1U << 6,   ///< allowed while the dataset loads
    stale = 1U << 7,     ///< allowed on a replica with stale data (lab 8)
    fast = 1U << 8,      ///< O(1) or O(log n): never delays the server
    no_auth = 1U << 9,   ///< allowed before AUTH (AUTH, HELLO, QUIT)
    may_replicate = 1U << 10,
    sentinel = 1U << 11,
    no_mandatory_keys = 1U << 12,
    allow_busy = 1U << 13,
};

/// The flags of one command.
class Flags {
public:
    constexpr Flags() = default;
    constexpr Flags(Flag flag) : bits_{static_cast<std::uint32_t>(flag)} {}  // NOLINT: implicit
    [[nodiscard]] constexpr bool has(Flag flag) const {
        return (bits_ & static_cast<std::uint32_t>(flag)) != 0;
    }
    [[nodiscard]] constexpr std::uint32_t bits() const { return bits_; }
    friend constexpr Flags operator|(Flags left, Flags right) {
        Flags result;
        result.bits_ = left.bits_ | right.bits_;
        return result;
    }

private:
    std::uint32_t bits_ = 0;
};

constexpr Flags operator|(Flag left, Flag right) {
    return Flags{left} | Flags{right};
}

/// Redis's names of the flags a command has, in bit order: `{"write", "denyoom"}`.
[[nodiscard]] std::vector<std::string_view> flag_names(Flags flags);

/// Where the keys are in argv (Redis's legacy first/last/step triple, what COMMAND INFO
/// reports): argv[first], argv[first + step], ... up to argv[last]; a negative `last` counts
/// from the end (-1 = the last argument). `first == 0` means the command takes no keys.
/// The Dispatcher uses it to expire the keys a command touches before it runs (so the DEL is
/// propagated first), and lab 8 would use it to route keys.
struct KeySpec {
    int first = 0;
    int last = 0;
    int step = 0;
};

/// The command groups of Redis 7's COMMAND DOCS.
enum class Group { generic, string, list, set, connection, server, keyspace_notifications };

[[nodiscard]] std::string_view to_string(Group group);

/// One command, or one subcommand of a container (CONFIG GET inside CONFIG).
struct Command {
    /// Lower case, as Redis reports it: "get"; a subcommand's own name only ("get"), its full
    /// name "config|get" is built by full_name().
    std::string name;
    /// Argument count including the name: positive = exactly, negative = at least |arity|.
    /// A subcommand's arity counts the container too (`CONFIG GET` has -3).
    int arity = 0;
    Flags flags;
    KeySpec keys;
    Group group = Group::generic;
    /// The wire syntax: `SET key value [NX | XX] [GET] [EX seconds | ...]`.
    std::string_view syntax;
    /// One line for COMMAND DOCS, as redis.io words it.
    std::string_view summary;
    /// The Redis version that introduced the command (COMMAND DOCS "since").
    std::string_view since = "1.0.0";
    /// Null for a container, whose handler is chosen by argv[1] from `subcommands`.
    Handler handler = nullptr;
    /// Subcommands of a container (CONFIG, CLIENT, COMMAND), by lower-case name.
    std::map<std::string, Command, std::less<>> subcommands;
    /// Set for a subcommand: the container's lower-case name.
    std::string container;

    [[nodiscard]] bool is_container() const { return !subcommands.empty(); }
    /// "get", or "config|get" for a subcommand: the name in errors and CLIENT LIST's cmd=.
    [[nodiscard]] std::string full_name() const;
    /// True when `argc` arguments satisfy the arity.
    [[nodiscard]] bool accepts(std::size_t argc) const;
};

/// A plain command (not a container, not a subcommand): how every family builds the entries
/// of its register_*_family().
[[nodiscard]] Command make_command(Group group, std::string name, int arity, Flags flags,
                                   KeySpec keys, Handler handler, std::string_view syntax,
                                   std::string_view summary, std::string_view since);

/// All commands, looked up case-insensitively by name. Built once at start-up by the
/// register_*_family() functions and read-only afterwards.
class CommandTable {
public:
    CommandTable() = default;
    /// A copy gets its own index (it points into the copy's commands).
    CommandTable(const CommandTable& other);
    CommandTable& operator=(const CommandTable& other);
    /// A move keeps the index: std::map's nodes move with the map.
    CommandTable(CommandTable&&) noexcept = default;
    CommandTable& operator=(CommandTable&&) noexcept = default;
    ~CommandTable() = default;

    /// Adds a command; its name is lower-cased. Replaces a command of the same name.
    void add(Command command);
    /// Adds a subcommand to the container `container` (which must have been added first).
    void add_subcommand(std::string_view container, Command subcommand);

    /// The command named `name` in any case, or nullptr.
    [[nodiscard]] const Command* find(std::string_view name) const;
    /// The subcommand `sub` of `command`, in any case, or nullptr.
    [[nodiscard]] static const Command* find_subcommand(const Command& command,
                                                        std::string_view sub);

    [[nodiscard]] std::size_t size() const { return commands_.size(); }
    /// Every command in name order (for COMMAND, COMMAND LIST, COMMAND DOCS).
    [[nodiscard]] const std::map<std::string, Command, std::less<>>& all() const {
        return commands_;
    }

private:
    void reindex();

    std::map<std::string, Command, std::less<>> commands_;
    // find() runs once per command a client sends: a hash lookup of the lower-cased name
    // instead of a walk down the ordered map's tree. The views point at commands_'s keys.
    std::unordered_map<std::string_view, const Command*> index_;
};

/// ASCII lower case, as Redis compares command names (strcasecmp).
[[nodiscard]] std::string to_lower(std::string_view text);
/// ASCII upper case.
[[nodiscard]] std::string to_upper(std::string_view text);
/// Case-insensitive ASCII comparison: option words like `NX`, `ex`, `KeepTTL`.
[[nodiscard]] bool equals_ignoring_case(std::string_view left, std::string_view right);

}  // namespace cmd
