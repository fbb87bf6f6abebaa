// Writing and strictly reading the JSON snapshot with nlohmann::json: one entry per line on
// save, whole-document validation before anything is loaded. Introduced in lab 4.
#include "persist/snapshot.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <variant>

#include "persist/encoding.hpp"
#include "persist/file_io.hpp"

namespace persist {

namespace {

// ordered_json keeps fields in the order we add them, so entries read "key, type, value".
using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

// Bytes as JSON: a plain string when they are valid UTF-8, which is the common case and keeps
// the file readable; otherwise {"base64": "..."}, because a JSON string can only hold Unicode.
OrderedJson bytes_to_json(std::string_view bytes) {
    if (is_valid_utf8(bytes)) return std::string{bytes};
    return OrderedJson{{"base64", base64_encode(bytes)}};
}

std::int64_t to_unix_ms(store::TimePoint time) {
    return time.time_since_epoch().count();
}

// A validation failure inside the document; load_snapshot() prefixes it with the file's name.
// Kept apart from PersistError so that no message reaches the caller without that prefix.
class Invalid : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A value as an error message shows it: scalars as JSON, an array or object by its type alone.
// dump() recurses once per level of nesting, and a corrupt file can nest arrays a million levels
// deep (the parser itself does not recurse), which would overflow the stack.
std::string describe(const Json& value) {
    if (value.is_structured()) return "an " + std::string{value.type_name()};
    return value.dump();
}

const Json& require(const Json& object, const char* field, const std::string& where) {
    const auto position = object.find(field);
    if (position == object.end()) throw Invalid{where + ": missing field \"" + field + "\""};
    return *position;
}

// The inverse of bytes_to_json(): a string, or an object whose only field is "base64".
std::string bytes_from_json(const Json& value, const std::string& where) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_object() && value.size() == 1 && value.contains("base64")) {
        const Json& text = value["base64"];
        if (!text.is_string()) throw Invalid{where + ".base64: expected a string"};
        auto bytes = base64_decode(text.get_ref<const std::string&>());
        if (!bytes) throw Invalid{where + ".base64: invalid base64"};
        return std::move(*bytes);
    }
    throw Invalid{where + ": expected a string or {\"base64\": \"...\"}, found " +
                  std::string{value.type_name()}};
}

std::int64_t unix_ms_from_json(const Json& value, const std::string& where) {
    const bool fits = value.is_number_integer() &&
                      (!value.is_number_unsigned() ||
                       value.get<std::uint64_t>() <=
                           static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
    if (!fits) throw Invalid{where + ": expected an integer (Unix time in milliseconds)"};
    return value.get<std::int64_t>();
}

// A value as JSON: a string as bytes_to_json() writes it; a list or set as an array of its
// elements, each written the same way, so binary elements stay binary-safe.
OrderedJson value_to_json(const store::Value& value) {
    if (const auto* text = std::get_if<std::string>(&value)) return bytes_to_json(*text);
    if (const auto* list = std::get_if<store::List>(&value)) {
        OrderedJson array = OrderedJson::array();
        for (const std::string& element : *list)
            array.push_back(bytes_to_json(element));
        return array;
    }
    // Members sorted: a set's iteration order depends on its history (insertions, rehashes),
    // and the same data must always give the same bytes.
    const auto& set = std::get<store::Set>(value);
    std::vector<std::string_view> members(set.begin(), set.end());
    std::sort(members.begin(), members.end());
    OrderedJson array = OrderedJson::array();
    for (const std::string_view member : members)
        array.push_back(bytes_to_json(member));
    return array;
}

// The inverse of value_to_json() for a list or set: calls `add` with each element. An empty array
// is refused, as the keyspace never holds an empty list or set, so no snapshot of ours contains
// one.
template <class Add>
void for_each_element(const Json& value, const std::string& where, Add add) {
    if (!value.is_array()) {
        throw Invalid{where + ": expected an array, found " + std::string{value.type_name()}};
    }
    if (value.empty()) throw Invalid{where + ": an empty list or set is not stored"};
    for (std::size_t i = 0; i < value.size(); ++i)
        add(bytes_from_json(value[i], where + "[" + std::to_string(i) + "]"));
}

// Checks the top level: the format name, the version, and an array of entries.
const Json& entries_of(const Json& document) {
    if (!document.is_object()) throw Invalid{"expected a JSON object at the top level"};
    const Json& format = require(document, "format", "snapshot");
    if (format != snapshot_format_name) {
        throw Invalid{"not a snapshot of this course (\"format\" is " + describe(format) +
                      ", expected \"" + std::string{snapshot_format_name} + "\")"};
    }
    const Json& version = require(document, "version", "snapshot");
    if (!version.is_number_integer() || version.get<std::int64_t>() != snapshot_version) {
        throw Invalid{"unsupported snapshot version " + describe(version) +
                      " (this build reads version " + std::to_string(snapshot_version) + ")"};
    }
    const Json& entries = require(document, "entries", "snapshot");
    if (!entries.is_array()) throw Invalid{"\"entries\" is not an array"};
    return entries;
}

SnapshotEntry entry_from_json(const Json& item, const std::string& where) {
    if (!item.is_object()) throw Invalid{where + ": expected an object"};
    SnapshotEntry result;
    result.key = bytes_from_json(require(item, "key", where), where + ".key");
    const Json& type = require(item, "type", where);
    if (!type.is_string()) throw Invalid{where + ".type: expected a string"};
    // A build that does not know a type refuses the file rather than misread it.
    const Json& value = require(item, "value", where);
    if (type == "string") {
        result.entry.value = bytes_from_json(value, where + ".value");
    } else if (type == "list") {
        store::List list;
        for_each_element(value, where + ".value", [&](std::string element) {
            list.push(store::End::tail, std::move(element));
        });
        result.entry.value = std::move(list);
    } else if (type == "set") {
        store::Set set;
        for_each_element(value, where + ".value", [&](std::string member) {
            if (!set.insert(member)) throw Invalid{where + ".value: duplicate set member"};
        });
        result.entry.value = std::move(set);
    } else {
        throw Invalid{where + ".type: unknown type " + type.dump()};
    }
    if (const auto deadline = item.find("expires_at_ms"); deadline != item.end()) {
        result.entry.deadline = store::TimePoint{
            std::chrono::milliseconds{unix_ms_from_json(*deadline, where + ".expires_at_ms")}};
    }
    return result;
}

// nlohmann's message without its "[json.exception.out_of_range.406] " prefix.
std::string without_exception_id(const std::string& what) {
    const auto end = what.starts_with('[') ? what.find("] ") : std::string::npos;
    return end == std::string::npos ? what : what.substr(end + 2);
}

// "invalid JSON at byte 5000 (line 34, column 28): syntax error while parsing value - ...".
// The offset counts from 0, like the append-only file's; nlohmann counts from 1.
std::string describe_syntax_error(const Json::parse_error& error) {
    const std::string offset = std::to_string(error.byte > 0 ? error.byte - 1 : 0);
    // what() is "[json.exception.parse_error.101] parse error at line 34, column 28: <reason>".
    const std::string what = error.what();
    const auto line = what.find(" at line ");
    const auto reason = what.find(": ", line == std::string::npos ? 0 : line);
    if (line == std::string::npos || reason == std::string::npos) {
        return "invalid JSON at byte " + offset + ": " + what;
    }
    return "invalid JSON at byte " + offset + " (" + what.substr(line + 4, reason - line - 4) +
           "): " + what.substr(reason + 2);
}

}  // namespace

SnapshotSaveStats save_snapshot(const store::Keyspace& keyspace, const std::filesystem::path& path,
                                store::TimePoint now) {
    // Views into the keyspace, valid while it does not change: nothing is copied but pointers
    // and deadlines.
    struct Item {
        std::string_view key;
        const store::Value* value;
        std::optional<store::TimePoint> deadline;
    };
    std::vector<Item> entries;
    keyspace.for_each([&](std::string_view key, const store::EntryView& entry) {
        entries.push_back(Item{key, &entry.value, entry.deadline});
    });
    std::sort(entries.begin(), entries.end(),
              [](const Item& left, const Item& right) { return left.key < right.key; });

    AtomicFile file{path};
    const OrderedJson header{{"format", snapshot_format_name},
                             {"version", snapshot_version},
                             {"saved_at_ms", to_unix_ms(now)},
                             {"keys", entries.size()}};
    // The header's fields, then the entries one per line, so that a diff or `grep` of two
    // snapshots shows keys rather than one endless line.
    std::string head = header.dump();
    head.pop_back();  // the closing '}'
    file.write(head + ",\"entries\":[\n");
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& [key, value, deadline] = entries[i];
        OrderedJson item{{"key", bytes_to_json(key)},
                         {"type", store::type_name(store::type_of(*value))},
                         {"value", value_to_json(*value)}};
        if (deadline) item["expires_at_ms"] = to_unix_ms(*deadline);
        file.write(item.dump());
        file.write(i + 1 < entries.size() ? ",\n" : "\n");
    }
    file.write("]}\n");
    const std::size_t bytes = file.size();
    file.commit();
    return SnapshotSaveStats{entries.size(), bytes};
}

ParsedSnapshot parse_snapshot(std::string_view text, std::string_view name, store::TimePoint now) {
    const std::string prefix = std::string{name} + ": ";
    Json document;
    try {
        document = Json::parse(text);
    } catch (const Json::parse_error& error) {
        throw PersistError{prefix + describe_syntax_error(error)};
    } catch (const Json::exception& error) {
        // A number too large for a double ("1E400") is not a parse_error but an out_of_range.
        throw PersistError{prefix + "invalid JSON: " + without_exception_id(error.what())};
    }
    try {
        ParsedSnapshot result;
        const Json& entries = entries_of(document);
        // The number in "keys" must match, which catches entries lost by a careless edit.
        const Json& count = require(document, "keys", "snapshot");
        if (!count.is_number_unsigned() || count.get<std::size_t>() != entries.size()) {
            throw Invalid{"\"keys\" is " + describe(count) + " but \"entries\" holds " +
                          std::to_string(entries.size())};
        }
        std::unordered_map<std::string, std::size_t> seen;  // key -> index, to refuse repeats
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const std::string where = "entries[" + std::to_string(i) + "]";
            SnapshotEntry item = entry_from_json(entries[i], where);
            const auto [position, fresh] = seen.emplace(item.key, i);
            if (!fresh) {
                throw Invalid{where + ".key: duplicate of entries[" +
                              std::to_string(position->second) + "].key"};
            }
            // Alive at its deadline and gone just after, as in Keyspace::is_expired().
            if (item.entry.deadline && *item.entry.deadline < now) {
                ++result.expired_dropped;
                continue;
            }
            result.entries.push_back(std::move(item));
        }
        return result;
    } catch (const Invalid& invalid) {
        throw PersistError{prefix + invalid.what()};
    }
}

SnapshotLoadStats load_snapshot(const std::filesystem::path& path, store::Keyspace& keyspace,
                                store::TimePoint now) {
    const auto text = read_file(path);
    if (!text) return SnapshotLoadStats{};
    ParsedSnapshot parsed = parse_snapshot(*text, path.string(), now);
    for (auto& item : parsed.entries) {
        keyspace.replace(item.key, std::move(item.entry.value), item.entry.deadline);
    }
    return SnapshotLoadStats{true, parsed.entries.size(), parsed.expired_dropped, text->size()};
}

}  // namespace persist
