// What the load generator sends: a weighted mix of commands (`get:90,set:10`) on random keys,
// encoded as RESP. No sockets here, so the tests check it directly. Part of the benchmark
// harness (bench/).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

/// The commands a mix may contain.
enum class Command { get, set, incr, lpush, rpush, lpop, rpop, sadd, ping };

inline constexpr std::size_t command_count = 9;

/// Lower-case names, as written in `--mix` and in the report, indexed by Command.
inline constexpr std::array<std::string_view, command_count> command_names = {
    "get", "set", "incr", "lpush", "rpush", "lpop", "rpop", "sadd", "ping"};

[[nodiscard]] constexpr std::string_view name_of(Command command) {
    return command_names[static_cast<std::size_t>(command)];
}

/// The random number generator of one connection: each has its own, so no thread shares one.
using Random = std::mt19937_64;

/// A weighted choice of commands: `get:90,set:10` picks GET nine times in ten.
class Mix {
public:
    /// Parses `name:weight,name:weight,...` (names as in command_names, any case; weights are
    /// positive integers and need not add up to 100). On failure returns nothing and says why
    /// in `error`.
    [[nodiscard]] static std::optional<Mix> parse(std::string_view text, std::string& error);

    /// One command, drawn with the mix's weights.
    [[nodiscard]] Command pick(Random& random) const;

    /// The mix in canonical form, e.g. `get:90,set:10`.
    [[nodiscard]] std::string to_string() const;

private:
    struct Entry {
        Command command;
        std::uint64_t weight;
    };
    std::vector<Entry> entries_;
    std::vector<std::uint64_t> cumulative_;  // running sums of the weights, for pick()
};

/// The shape of the data: how many keys, how large the values.
struct DataShape {
    std::uint64_t keyspace = 100'000;  ///< keys are drawn uniformly from [0, keyspace)
    std::size_t value_size = 3;        ///< bytes of each SET and LPUSH value (redis-benchmark's -d)
};

/// The largest keyspace: key numbers are written with 12 digits.
inline constexpr std::uint64_t max_keyspace = 1'000'000'000'000ULL;

/// Appends one request of `command` on a random key to `out`, as a RESP array.
///
/// Each data type has its own key prefix, all numbered alike (`key:000000000042` for the
/// strings of GET and SET, `counter:` for INCR, `list:` for the list commands, `set:` for SADD,
/// whose members are `member:` and a random number): one keyspace shared by all types would
/// turn a mix into a stream of WRONGTYPE errors. redis-benchmark separates them the same way.
void append_request(std::string& out, Command command, const DataShape& shape,
                    std::string_view value, Random& random);

/// `prefix` followed by `number` in 12 digits, zero-padded: `key:000000000042`.
[[nodiscard]] std::string numbered_key(std::string_view prefix, std::uint64_t number);

}  // namespace bench
