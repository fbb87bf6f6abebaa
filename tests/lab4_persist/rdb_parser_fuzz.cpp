// libFuzzer target for the RDB reader: arbitrary bytes must give a PersistError or a valid
// dataset, never a crash, an over-read, a hang or a giant allocation; and a dataset it accepts
// must survive our writer: encode, parse again, the same keys and values. Introduced in lab 4.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_set>

#include "persist/file_io.hpp"
#include "persist/rdb.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace {

// A failed invariant: stop here so libFuzzer saves the input that broke it.
void require(bool condition) {
    if (!condition) std::abort();
}

bool same_value(const store::Value& left, const store::Value& right) {
    if (left.index() != right.index()) return false;
    if (const auto* text = std::get_if<std::string>(&left)) {
        return *text == std::get<std::string>(right);
    }
    if (const auto* list = std::get_if<store::List>(&left)) {
        const auto& other = std::get<store::List>(right);
        return list->size() == other.size() &&
               std::equal(list->begin(), list->end(), other.begin());
    }
    const auto& set = std::get<store::Set>(left);
    const auto& other = std::get<store::Set>(right);
    if (set.size() != other.size()) return false;
    for (const std::string& member : set) {
        if (!other.contains(member)) return false;
    }
    return true;
}

// Parses `bytes` and checks what the reader promises about the result.
void check(std::string_view bytes) {
    persist::ParsedSnapshot parsed;
    try {
        parsed = persist::parse_rdb(bytes, "fuzz.rdb", store::TimePoint::min());
    } catch (const persist::PersistError& error) {
        require(std::string_view{error.what()}.starts_with("fuzz.rdb: byte "));
        return;
    }

    // What the reader promises: distinct keys, no empty list or set.
    std::unordered_set<std::string> keys;
    for (const auto& item : parsed.entries) {
        require(keys.insert(item.key).second);
        if (const auto* list = std::get_if<store::List>(&item.entry.value))
            require(list->size() > 0);
        if (const auto* set = std::get_if<store::Set>(&item.entry.value)) require(set->size() > 0);
    }

    // Our writer and reader agree on whatever the reader accepted. The clock stands at the
    // earliest time, so no deadline has passed and every key is written.
    store::ManualClock clock{store::TimePoint::min()};
    store::Keyspace keyspace{clock};
    for (const auto& item : parsed.entries)
        keyspace.replace(item.key, item.entry.value, item.entry.deadline);
    const std::string encoded = persist::encode_rdb(keyspace, clock.now());
    const auto again = persist::parse_rdb(encoded, "encoded", store::TimePoint::min());
    require(again.entries.size() == parsed.entries.size());
    for (std::size_t i = 0; i < again.entries.size(); ++i) {
        const auto& item = again.entries[i];
        const auto& original =
            std::find_if(parsed.entries.begin(), parsed.entries.end(),
                         [&](const auto& entry) { return entry.key == item.key; });
        require(original != parsed.entries.end());
        require(original->entry.deadline == item.entry.deadline);
        require(same_value(original->entry.value, item.entry.value));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes{reinterpret_cast<const char*>(data), size};
    check(bytes);
    // Nearly every mutation breaks the CRC-64, which would stop the reader before the parts
    // worth fuzzing. So the same bytes again with the trailer zeroed ("no checksum computed"),
    // which lets the structural checks meet every mutation on their own.
    if (size >= 8) {
        std::string unchecked{bytes};
        unchecked.replace(size - 8, 8, 8, '\0');
        if (unchecked != bytes) check(unchecked);
    }
    return 0;
}
