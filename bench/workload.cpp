// The command mix and the requests made from it. Part of the benchmark harness (bench/).
#include "workload.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "resp/writer.hpp"

namespace bench {

namespace {

std::string lower(std::string_view text) {
    std::string result{text};
    std::ranges::transform(result, result.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

std::optional<Command> command_named(std::string_view name) {
    const auto found = std::ranges::find(command_names, lower(name));
    if (found == command_names.end()) return std::nullopt;
    return static_cast<Command>(found - command_names.begin());
}

// Writes `number` as 12 zero-padded digits at `into` (which has room for them).
void write_number(char* into, std::uint64_t number) {
    for (int i = 11; i >= 0; --i) {
        into[i] = static_cast<char>('0' + number % 10);
        number /= 10;
    }
}

}  // namespace

std::optional<Mix> Mix::parse(std::string_view text, std::string& error) {
    Mix mix;
    std::uint64_t total = 0;
    if (text.empty()) {
        error = "the mix is empty";
        return std::nullopt;
    }
    for (bool more = true; more;) {
        const std::size_t comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        more = comma != std::string_view::npos;
        if (more) text.remove_prefix(comma + 1);

        const std::size_t colon = item.find(':');
        const auto command = command_named(item.substr(0, colon));
        if (!command) {
            error = "unknown command '" + std::string{item.substr(0, colon)} + "' in the mix";
            return std::nullopt;
        }
        std::uint64_t weight = 0;
        const std::string_view digits =
            colon == std::string_view::npos ? std::string_view{} : item.substr(colon + 1);
        const auto [end, failure] =
            std::from_chars(digits.data(), digits.data() + digits.size(), weight);
        if (failure != std::errc{} || end != digits.data() + digits.size() || weight == 0 ||
            weight > 1'000'000) {
            error = "'" + std::string{item} + "' is not name:weight with a weight of 1 to 1000000";
            return std::nullopt;
        }
        total += weight;
        mix.entries_.push_back({*command, weight});
        mix.cumulative_.push_back(total);
    }
    return mix;
}

Command Mix::pick(Random& random) const {
    if (entries_.size() == 1) return entries_.front().command;
    std::uniform_int_distribution<std::uint64_t> draw{0, cumulative_.back() - 1};
    const auto at = std::ranges::upper_bound(cumulative_, draw(random));
    return entries_[static_cast<std::size_t>(at - cumulative_.begin())].command;
}

std::string Mix::to_string() const {
    std::string text;
    for (const Entry& entry : entries_) {
        if (!text.empty()) text += ',';
        text.append(name_of(entry.command)).append(":").append(std::to_string(entry.weight));
    }
    return text;
}

std::string numbered_key(std::string_view prefix, std::uint64_t number) {
    std::string key{prefix};
    key.resize(prefix.size() + 12);
    write_number(key.data() + prefix.size(), number);
    return key;
}

void append_request(std::string& out, Command command, const DataShape& shape,
                    std::string_view value, Random& random) {
    std::uniform_int_distribution<std::uint64_t> draw{0, shape.keyspace - 1};
    // The longest key is "counter:" or "member:" plus 12 digits: no allocation per request.
    char key_bytes[24];
    char member_bytes[24];
    const auto key = [&](std::string_view prefix) {
        std::ranges::copy(prefix, key_bytes);
        write_number(key_bytes + prefix.size(), draw(random));
        return std::string_view{key_bytes, prefix.size() + 12};
    };
    switch (command) {
        case Command::get:
            resp::encode_command(out, std::array<std::string_view, 2>{"GET", key("key:")});
            return;
        case Command::set:
            resp::encode_command(out, std::array<std::string_view, 3>{"SET", key("key:"), value});
            return;
        case Command::incr:
            resp::encode_command(out, std::array<std::string_view, 2>{"INCR", key("counter:")});
            return;
        case Command::lpush:
            resp::encode_command(out,
                                 std::array<std::string_view, 3>{"LPUSH", key("list:"), value});
            return;
        case Command::rpush:
            resp::encode_command(out,
                                 std::array<std::string_view, 3>{"RPUSH", key("list:"), value});
            return;
        case Command::lpop:
            resp::encode_command(out, std::array<std::string_view, 2>{"LPOP", key("list:")});
            return;
        case Command::rpop:
            resp::encode_command(out, std::array<std::string_view, 2>{"RPOP", key("list:")});
            return;
        case Command::sadd: {
            const std::string_view set_key = key("set:");
            std::ranges::copy(std::string_view{"member:"}, member_bytes);
            write_number(member_bytes + 7, draw(random));
            resp::encode_command(out, std::array<std::string_view, 3>{
                                          "SADD", set_key, std::string_view{member_bytes, 19}});
            return;
        }
        case Command::ping:
            resp::encode_command(out, std::array<std::string_view, 1>{"PING"});
            return;
    }
}

}  // namespace bench
