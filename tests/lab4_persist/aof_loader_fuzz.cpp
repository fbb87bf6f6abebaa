// libFuzzer target for the append-only file loader, through a real file as a server meets it:
// arbitrary bytes must be refused with a PersistError naming the file and a byte, leaving the
// file as it was, or be loaded, cutting off only a torn last command; never a crash or a hang.
// What it loaded must load again the same, and survive a rewrite. Introduced in lab 4.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_support.hpp"
#include "persist/aof.hpp"
#include "persist/file_io.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace {

using fuzz_support::require;

void write_whole_file(const std::filesystem::path& path, std::string_view bytes) {
    persist::AtomicFile file{path};
    file.write(bytes);
    file.commit();
}

void check(std::string_view bytes, persist::TornTail torn_tail) {
    const auto path = fuzz_support::scratch_directory() / "appendonly.aof";
    write_whole_file(path, bytes);
    // The clock of lab 4's tests, so that deadlines in the past expire as they load.
    store::ManualClock clock;
    store::Keyspace keyspace{clock};
    persist::ReplayStats stats;
    try {
        stats = persist::load_aof(path, keyspace, torn_tail);
    } catch (const persist::PersistError& error) {
        require(std::string_view{error.what()}.starts_with(path.string() + ": at byte "));
        require(persist::read_file(path) == bytes);  // refused: the file is left as it was
        return;
    }
    require(stats.file_found && stats.file_bytes == bytes.size());

    // Only a torn tail is cut, only when allowed, and the file now ends where it was cut.
    const auto now = persist::read_file(path);
    require(now.has_value());
    if (stats.truncated_at) {
        require(torn_tail == persist::TornTail::truncate);
        require(*stats.truncated_at < bytes.size() && !stats.warning.empty());
        require(*now == bytes.substr(0, *stats.truncated_at));
    } else {
        require(*now == bytes && stats.warning.empty());
    }

    // Loading what is left gives the same data, and nothing more to cut.
    store::Keyspace again{clock};
    const auto second = persist::load_aof(path, again, persist::TornTail::refuse);
    require(second.commands == stats.commands && !second.truncated_at);
    const auto loaded = fuzz_support::dataset(keyspace);
    require(fuzz_support::dataset(again) == loaded);

    // A rewrite keeps the data: compact the file, load it, compare.
    const auto compacted = fuzz_support::scratch_directory() / "rewritten.aof";
    (void)persist::rewrite_aof(keyspace, compacted);
    store::Keyspace rewritten{clock};
    (void)persist::load_aof(compacted, rewritten, persist::TornTail::refuse);
    require(fuzz_support::dataset(rewritten) == loaded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    // The first byte picks aof-load-truncated (yes or no); the rest is the file.
    const auto torn_tail = data[0] & 1 ? persist::TornTail::refuse : persist::TornTail::truncate;
    check(std::string_view{reinterpret_cast<const char*>(data + 1), size - 1}, torn_tail);
    return 0;
}
