// libFuzzer target for the JSON snapshot loader: arbitrary bytes must give a PersistError that
// names the file, or a valid dataset, never a crash, a hang or a stack overflow; and a dataset it
// accepts must survive our writer: save it, load the file, the same keys, values and deadlines.
// Introduced in lab 4.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

#include "fuzz/fuzz_support.hpp"
#include "persist/file_io.hpp"
#include "persist/snapshot.hpp"
#include "persist/snapshot_format.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace {

using fuzz_support::require;

// The clock stands at the earliest time, so no deadline has passed: every entry is kept, and
// the round trip must give back every one.
constexpr store::TimePoint dawn = store::TimePoint::min();

void check(std::string_view text) {
    persist::ParsedSnapshot parsed;
    try {
        parsed = persist::parse_snapshot(text, "fuzz.json", dawn);
    } catch (const persist::PersistError& error) {
        require(std::string_view{error.what()}.starts_with("fuzz.json: "));
        return;
    }
    // A replica sniffs the format of what its master sends: JSON unless it starts with "REDIS".
    if (!text.starts_with("REDIS"))
        require(persist::parse_any(text, "any", dawn).entries.size() == parsed.entries.size());

    // What the loader promises: distinct keys, no empty list or set, nothing dropped at dawn.
    require(parsed.expired_dropped == 0);
    std::unordered_set<std::string> keys;
    for (const auto& item : parsed.entries) {
        require(keys.insert(item.key).second);
        if (const auto* list = std::get_if<store::List>(&item.entry.value))
            require(list->size() > 0);
        if (const auto* set = std::get_if<store::Set>(&item.entry.value)) require(set->size() > 0);
    }

    // Save what was accepted, load the file again: the same dataset.
    store::ManualClock clock{dawn};
    store::Keyspace keyspace{clock};
    for (const auto& item : parsed.entries)
        keyspace.replace(item.key, item.entry.value, item.entry.deadline);
    const auto path = fuzz_support::scratch_directory() / "dump.json";
    const auto saved = persist::save_snapshot(keyspace, path, dawn);
    require(saved.keys == parsed.entries.size());
    store::Keyspace again{clock};
    const auto loaded = persist::load_snapshot(path, again, dawn);
    require(loaded.keys == parsed.entries.size() && loaded.file_bytes == saved.file_bytes);
    require(fuzz_support::dataset(again) == fuzz_support::dataset(keyspace));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    check(std::string_view{reinterpret_cast<const char*>(data), size});
    return 0;
}
