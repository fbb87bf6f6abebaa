// Reading an RDB file: the file's grammar (header, opcodes, keys and their values, EOF,
// checksum) over rdb::Cursor, which checks every read against the bytes that remain.
// Introduced in lab 4.
#include <charconv>
#include <cstdint>
#include <unordered_map>
#include <utility>

#include "persist/crc64.hpp"
#include "persist/file_io.hpp"
#include "persist/rdb.hpp"
#include "persist/rdb_containers.hpp"
#include "persist/rdb_cursor.hpp"
#include "persist/rdb_format.hpp"

namespace persist {

namespace {

using rdb::Corrupt;
using rdb::Cursor;
using rdb::hex;

// A key as error messages show it: in quotes, bytes outside printable ASCII as \xNN, and cut
// after 64 bytes, so a binary or huge key cannot garble the message.
std::string printable(std::string_view key) {
    constexpr std::size_t shown = 64;
    std::string text = "'";
    for (const char c : key.substr(0, shown)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f && c != '\'' && c != '\\') {
            text += c;
        } else {
            static constexpr char digits[] = "0123456789abcdef";
            text += "\\x";
            text += digits[byte >> 4];
            text += digits[byte & 0xf];
        }
    }
    text += key.size() > shown ? "'..." : "'";
    return text;
}

// The elements of a ziplist, listpack or intset held in one string, whose errors are reported
// at the string's place in the file.
template <class Decode>
std::vector<std::string> elements_of(Cursor& cursor, const char* what, Decode decode) {
    const std::size_t at = cursor.offset();
    const std::string blob = cursor.string(what);
    try {
        return decode(blob);
    } catch (const Corrupt& error) {
        cursor.fail(at, std::string{error.what()} + " (at byte " + std::to_string(error.offset()) +
                            " of it)");
    }
}

void append(store::List& list, std::vector<std::string> elements) {
    for (std::string& element : elements)
        list.push(store::End::tail, std::move(element));
}

// Adds members to `set`, refusing a repeat as Redis does: a set with a duplicate is corrupt.
void add_members(Cursor& cursor, std::size_t at, store::Set& set,
                 const std::vector<std::string>& members) {
    for (const std::string& member : members) {
        if (!set.insert(member)) cursor.fail(at, "duplicate set member " + printable(member));
    }
}

// A quicklist of 3.2 to 6.2: a count of ziplists. A quicklist of 7.0: a count of nodes, each a
// container number and a string: one element as it is (PLAIN, for huge elements) or a
// listpack of several (PACKED). Empty nodes are skipped, as Redis skips them.
store::List read_quicklist(Cursor& cursor, bool version_2) {
    store::List list;
    const std::uint64_t nodes = cursor.count("a quicklist's node count");
    for (std::uint64_t i = 0; i < nodes; ++i) {
        if (!version_2) {
            append(list, elements_of(cursor, "a quicklist node", rdb::ziplist_elements));
            continue;
        }
        const std::size_t at = cursor.offset();
        const std::uint64_t container = cursor.length("a quicklist node's container");
        if (container == rdb::container_plain) {
            list.push(store::End::tail, cursor.string("a plain quicklist node"));
        } else if (container == rdb::container_packed) {
            append(list, elements_of(cursor, "a quicklist node", rdb::listpack_elements));
        } else {
            cursor.fail(at, "invalid quicklist node container " + std::to_string(container) +
                                " (1 is plain, 2 is packed)");
        }
    }
    return list;
}

// Whether `type` is one that read_value() reads: a string, list or set in any encoding.
bool holds(std::uint8_t type) {
    switch (type) {
        case rdb::string:
        case rdb::list:
        case rdb::set:
        case rdb::list_ziplist:
        case rdb::set_intset:
        case rdb::list_quicklist:
        case rdb::list_quicklist_2:
        case rdb::set_listpack:
            return true;
        default:
            return false;
    }
}

// The value of a key of a type this server holds, after the key itself.
store::Value read_value(Cursor& cursor, std::uint8_t type) {
    const std::size_t at = cursor.offset();
    switch (type) {
        case rdb::string:
            return cursor.string("a string value");
        case rdb::list: {
            store::List list;
            for (std::uint64_t n = cursor.count("a list's length"); n > 0; --n)
                list.push(store::End::tail, cursor.string("a list element"));
            return list;
        }
        case rdb::set: {
            store::Set set;
            for (std::uint64_t n = cursor.count("a set's size"); n > 0; --n) {
                const std::size_t member_at = cursor.offset();
                std::string member = cursor.string("a set member");
                if (!set.insert(member)) {
                    cursor.fail(member_at, "duplicate set member " + printable(member));
                }
            }
            return set;
        }
        case rdb::list_ziplist: {
            store::List list;
            append(list, elements_of(cursor, "a ziplist", rdb::ziplist_elements));
            return list;
        }
        case rdb::list_quicklist:
            return read_quicklist(cursor, false);
        case rdb::list_quicklist_2:
            return read_quicklist(cursor, true);
        case rdb::set_intset:
        case rdb::set_listpack: {
            const auto members = type == rdb::set_intset
                                     ? elements_of(cursor, "an intset", rdb::intset_members)
                                     : elements_of(cursor, "a listpack", rdb::listpack_elements);
            store::Set set;
            add_members(cursor, at, set, members);
            return set;
        }
        default:  // holds() said no
            cursor.fail(at, "unknown value type " + std::to_string(type));
    }
}

// An empty list or set: Redis never writes one (it deletes the key instead), and the keyspace
// cannot hold one, so the file is corrupt.
bool is_empty_aggregate(const store::Value& value) {
    if (const auto* list = std::get_if<store::List>(&value)) return list->size() == 0;
    if (const auto* set = std::get_if<store::Set>(&value)) return set->size() == 0;
    return false;
}

// "REDIS0010": the magic, then the version in four ASCII digits.
int read_header(Cursor& cursor) {
    const std::string_view magic = cursor.take(rdb::magic.size(), "the magic \"REDIS\"");
    if (magic != rdb::magic) cursor.fail(0, "not an RDB file (it does not start with \"REDIS\")");
    const std::string_view digits = cursor.take(4, "the version number");
    int version = 0;
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), version);
    if (error != std::errc{} || end != digits.data() + digits.size()) {
        cursor.fail(5, "the version \"" + std::string{digits} + "\" is not four digits");
    }
    if (version < 1 || version > rdb::max_read_version) {
        cursor.fail(5, "unsupported RDB version " + std::to_string(version) +
                           " (this build reads versions 1 to " +
                           std::to_string(rdb::max_read_version) + ")");
    }
    return version;
}

// After EOF: the CRC-64 of every byte before it (version 5 on), 0 meaning "not computed",
// and then nothing.
void read_trailer(Cursor& cursor, std::string_view bytes, int version) {
    if (version >= rdb::first_version_with_checksum) {
        const std::size_t covered = cursor.offset();
        const std::uint64_t stored = cursor.number(8, Cursor::Order::little, "the CRC-64");
        if (stored != 0) {
            const std::uint64_t computed = crc64(0, bytes.substr(0, covered));
            if (computed != stored) {
                cursor.fail(covered, "checksum mismatch: the file says " + hex(stored) +
                                         ", its bytes give " + hex(computed));
            }
        }
    }
    if (cursor.remaining() != 0) {
        cursor.fail(cursor.offset(),
                    std::to_string(cursor.remaining()) + " bytes after the end of the file");
    }
}

ParsedSnapshot parse(std::string_view bytes, store::TimePoint now) {
    Cursor cursor{bytes};
    const int version = read_header(cursor);
    ParsedSnapshot result;
    std::unordered_map<std::string, std::size_t> seen;  // key -> offset, to refuse repeats
    std::uint64_t database = 0;
    std::optional<store::TimePoint> deadline;  // for the next key
    for (;;) {
        const std::size_t at = cursor.offset();
        const std::uint8_t type = cursor.byte("an opcode or value type");
        switch (type) {
            case rdb::expire_time_ms:
                deadline = store::TimePoint{std::chrono::milliseconds{static_cast<std::int64_t>(
                    cursor.number(8, Cursor::Order::little, "a deadline"))}};
                continue;
            case rdb::expire_time: {
                const auto seconds = static_cast<std::int32_t>(
                    cursor.number(4, Cursor::Order::little, "a deadline"));
                deadline = store::TimePoint{std::chrono::seconds{seconds}};
                continue;
            }
            case rdb::select_db:
                database = cursor.length("a database number");
                continue;
            case rdb::resize_db:
                (void)cursor.length("a database's key count");
                (void)cursor.length("a database's deadline count");
                continue;
            case rdb::aux:
                // Informational fields (redis-ver, ctime, repl-id...): checked, then dropped.
                (void)cursor.string("an AUX field's name");
                (void)cursor.string("an AUX field's value");
                continue;
            case rdb::idle:
                (void)cursor.length("an LRU idle time");
                continue;
            case rdb::freq:
                (void)cursor.byte("an LFU counter");
                continue;
            case rdb::module_aux:
                cursor.fail(at, "module data (MODULE_AUX), which this server cannot load");
            case rdb::function2:
            case rdb::function_pre_ga:
                cursor.fail(at, "a Redis function library, which this server does not hold");
            case rdb::eof:
                if (deadline) cursor.fail(at, "a deadline with no key after it");
                read_trailer(cursor, bytes, version);
                return result;
            default:
                break;
        }
        std::string key = cursor.string("a key");
        const std::string name = "key " + printable(key);
        if (!holds(type)) {
            const std::string_view held = rdb::unsupported_type_name(type);
            if (held.empty())
                cursor.fail(at, name + ": unknown value type " + std::to_string(type));
            cursor.fail(at,
                        name + ": " + std::string{held} + ", which this server does not hold yet");
        }
        if (database != 0) {
            cursor.fail(at, name + " is in database " + std::to_string(database) +
                                "; this server has only database 0");
        }
        store::Value value;
        try {
            value = read_value(cursor, type);
        } catch (const Corrupt& error) {
            throw Corrupt{error.offset(), name + ": " + error.what()};
        }
        if (is_empty_aggregate(value)) cursor.fail(at, name + ": an empty list or set");
        if (const auto [previous, fresh] = seen.emplace(key, at); !fresh) {
            cursor.fail(at, name + " repeats the key at byte " + std::to_string(previous->second));
        }
        const auto expiry = std::exchange(deadline, std::nullopt);
        // Alive at its deadline and gone just after, as in Keyspace::is_expired().
        if (expiry && *expiry < now) {
            ++result.expired_dropped;
            continue;
        }
        result.entries.push_back(
            SnapshotEntry{std::move(key), store::Entry{std::move(value), expiry}});
    }
}

}  // namespace

std::string_view rdb::unsupported_type_name(std::uint8_t type) {
    switch (type) {
        case 3:
        case 5:
        case 12:
        case 17:
            return "a sorted set";
        case 4:
        case 9:
        case 13:
        case 16:
            return "a hash";
        case 6:
        case 7:
            return "a module value";
        case 15:
        case 19:
        case 21:
            return "a stream";
        default:
            return "";
    }
}

ParsedSnapshot parse_rdb(std::string_view bytes, std::string_view name, store::TimePoint now) {
    try {
        return parse(bytes, now);
    } catch (const Corrupt& error) {
        throw PersistError{std::string{name} + ": byte " + std::to_string(error.offset()) + ": " +
                           error.what()};
    }
}

SnapshotLoadStats load_rdb(const std::filesystem::path& path, store::Keyspace& keyspace,
                           store::TimePoint now) {
    const auto bytes = read_file(path);
    if (!bytes) return SnapshotLoadStats{};
    ParsedSnapshot parsed = parse_rdb(*bytes, path.string(), now);
    for (auto& item : parsed.entries)
        keyspace.replace(item.key, std::move(item.entry.value), item.entry.deadline);
    return SnapshotLoadStats{true, parsed.entries.size(), parsed.expired_dropped, bytes->size()};
}

}  // namespace persist
