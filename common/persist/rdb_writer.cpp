// Writing an RDB file that redis-server 7.0 loads: the plain encodings (type 0 strings, type 1
// lists, type 2 sets), which every Redis version reads and converts to its own compact form on
// load, so we need not reproduce listpacks or intsets byte for byte. Introduced in lab 4.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "persist/crc64.hpp"
#include "persist/file_io.hpp"
#include "persist/lzf.hpp"
#include "persist/rdb.hpp"
#include "persist/rdb_format.hpp"

namespace persist {

namespace {

// Appends RDB's primitives to a string.
class Output {
public:
    explicit Output(RdbWriteOptions options) : options_{options} {}

    void byte(std::uint8_t value) { bytes_.push_back(static_cast<char>(value)); }

    void little_endian(std::uint64_t value, std::size_t count) {
        for (std::size_t i = 0; i < count; ++i, value >>= 8)
            byte(static_cast<std::uint8_t>(value & 0xff));
    }

    // The shortest of the four length forms (see Cursor::length_or_encoding()).
    void length(std::uint64_t value) {
        if (value < (1U << 6)) {
            byte(static_cast<std::uint8_t>(value));
        } else if (value < (1U << 14)) {
            byte(static_cast<std::uint8_t>(0x40 | (value >> 8)));
            byte(static_cast<std::uint8_t>(value & 0xff));
        } else {
            const bool wide = value > std::numeric_limits<std::uint32_t>::max();
            byte(wide ? rdb::length_64bit : rdb::length_32bit);
            const std::size_t count = wide ? 8 : 4;
            for (std::size_t i = count; i-- > 0;)
                byte(static_cast<std::uint8_t>((value >> (8 * i)) & 0xff));
        }
    }

    // A string in the smallest form Redis would choose (its rdbSaveRawString()): an integer
    // encoding when the text is an integer written the canonical way and fits in 32 bits, else
    // LZF when that saves space on a string over 20 bytes, else the raw bytes.
    void string(std::string_view text) {
        if (const auto value = small_integer(text)) {
            if (*value >= INT8_MIN && *value <= INT8_MAX) {
                special(rdb::int8);
                little_endian(static_cast<std::uint64_t>(*value), 1);
            } else if (*value >= INT16_MIN && *value <= INT16_MAX) {
                special(rdb::int16);
                little_endian(static_cast<std::uint64_t>(*value), 2);
            } else {
                special(rdb::int32);
                little_endian(static_cast<std::uint64_t>(*value), 4);
            }
            return;
        }
        if (options_.compress && text.size() > 20) {
            // Kept only when it saves space: lzf_compress() must come in under size - 4, so 5
            // bytes at least (Redis's limit lets an output of exactly size - 4 through).
            if (const auto compressed = lzf_compress(text, text.size() - 4)) {
                special(rdb::lzf);
                length(compressed->size());
                length(text.size());
                bytes_ += *compressed;
                return;
            }
        }
        length(text.size());
        bytes_ += text;
    }

    [[nodiscard]] std::string& bytes() { return bytes_; }

private:
    void special(rdb::StringEncoding encoding) { byte(static_cast<std::uint8_t>(0xc0 | encoding)); }

    // The value of `text` when it is an int32 in canonical form: no sign but '-', no leading
    // zero, not "-0". Only then does reading it back give the same bytes.
    static std::optional<std::int64_t> small_integer(std::string_view text) {
        if (text.empty() || text.size() > 11) return std::nullopt;
        std::int64_t value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
        if (std::to_string(value) != text) return std::nullopt;
        if (value < INT32_MIN || value > INT32_MAX) return std::nullopt;
        return value;
    }

    RdbWriteOptions options_;
    std::string bytes_;
};

// The value of one key, after its type byte and key.
void write_value(Output& out, const store::Value& value) {
    if (const auto* text = std::get_if<std::string>(&value)) {
        out.string(*text);
    } else if (const auto* list = std::get_if<store::List>(&value)) {
        out.length(list->size());
        for (const std::string& element : *list)
            out.string(element);
    } else {
        // Members sorted, as in the JSON snapshot: the same data always gives the same bytes.
        const auto& set = std::get<store::Set>(value);
        std::vector<std::string_view> members(set.begin(), set.end());
        std::sort(members.begin(), members.end());
        out.length(members.size());
        for (const std::string_view member : members)
            out.string(member);
    }
}

rdb::ValueType type_byte(const store::Value& value) {
    switch (store::type_of(value)) {
        case store::Type::string:
            return rdb::string;
        case store::Type::list:
            return rdb::list;
        case store::Type::set:
            return rdb::set;
    }
    return rdb::string;  // unreachable; keeps -Wreturn-type quiet
}

void aux(Output& out, std::string_view name, std::string_view value) {
    out.byte(rdb::aux);
    out.string(name);
    out.string(value);
}

// The whole file; `keys` is set to the number of keys written.
std::string encode(const store::Keyspace& keyspace, store::TimePoint now, RdbWriteOptions options,
                   std::size_t& keys) {
    struct Item {
        std::string_view key;
        const store::Value* value;
        std::optional<store::TimePoint> deadline;
    };
    std::vector<Item> items;
    std::size_t with_deadline = 0;
    keyspace.for_each([&](std::string_view key, const store::EntryView& entry) {
        items.push_back(Item{key, &entry.value, entry.deadline});
        if (entry.deadline) ++with_deadline;
    });
    std::sort(items.begin(), items.end(),
              [](const Item& left, const Item& right) { return left.key < right.key; });

    Output out{options};
    out.bytes() += rdb::magic;
    out.bytes() += "0010";
    static_assert(rdb::write_version == 10, "the header's digits");
    // The fields Redis 7.0 writes first. redis-ver is the version whose format this is, so that
    // tools reading the file know what to expect; used-mem is our own estimate.
    aux(out, "redis-ver", "7.0.15");
    aux(out, "redis-bits", "64");
    aux(out, "ctime",
        std::to_string(std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count()));
    aux(out, "used-mem", std::to_string(keyspace.used_bytes()));
    aux(out, "aof-base", "0");
    // Like Redis, an empty database is not mentioned at all.
    if (!items.empty()) {
        out.byte(rdb::select_db);
        out.length(0);
        out.byte(rdb::resize_db);
        out.length(items.size());
        out.length(with_deadline);
    }
    for (const auto& [key, value, deadline] : items) {
        if (deadline) {
            out.byte(rdb::expire_time_ms);
            out.little_endian(static_cast<std::uint64_t>(deadline->time_since_epoch().count()), 8);
        }
        out.byte(type_byte(*value));
        out.string(key);
        write_value(out, *value);
    }
    out.byte(rdb::eof);
    const std::uint64_t checksum = options.checksum ? crc64(0, out.bytes()) : 0;
    out.little_endian(checksum, 8);
    keys = items.size();
    return std::move(out.bytes());
}

}  // namespace

std::string encode_rdb(const store::Keyspace& keyspace, store::TimePoint now,
                       RdbWriteOptions options) {
    std::size_t keys = 0;
    return encode(keyspace, now, options, keys);
}

SnapshotSaveStats save_rdb(const store::Keyspace& keyspace, const std::filesystem::path& path,
                           store::TimePoint now, RdbWriteOptions options) {
    // Built in memory first: the CRC-64 covers the whole file, and the course's datasets are
    // small. Redis streams instead, updating the checksum as it writes (rioGenericUpdateChecksum).
    std::size_t keys = 0;
    const std::string bytes = encode(keyspace, now, options, keys);
    AtomicFile file{path};
    file.write(bytes);
    file.commit();
    return SnapshotSaveStats{keys, bytes.size()};
}

}  // namespace persist
