// The JSON snapshot: the whole keyspace in one versioned, binary-safe JSON document, saved
// atomically and loaded all-or-nothing. Lab 4's stand-in for Redis's RDB file; introduced in lab 4.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace persist {

/// The value of the "format" field, so that a file that merely happens to be JSON is refused.
inline constexpr std::string_view snapshot_format_name = "redis-course-snapshot";

/// The version this build writes and the only one it reads. A change that old readers would
/// misread bumps it; additions they can safely skip (a new top-level field) do not. New value
/// types need no bump: each entry names its type, and an old reader refuses an unknown type
/// by name rather than misreading it.
inline constexpr int snapshot_version = 1;

/// What save_snapshot() wrote.
struct SnapshotSaveStats {
    std::size_t keys = 0;        ///< entries written (live keys)
    std::size_t file_bytes = 0;  ///< size of the new file
};

/// What load_snapshot() found.
struct SnapshotLoadStats {
    bool file_found = false;          ///< false: no file, so the keyspace was left empty
    std::size_t keys = 0;             ///< entries added to the keyspace
    std::size_t expired_dropped = 0;  ///< entries whose deadline had passed, not loaded
    std::size_t file_bytes = 0;
};

/// One entry read from a snapshot, not yet in a keyspace.
struct SnapshotEntry {
    std::string key;
    store::Entry entry;
};

/// A validated snapshot document.
struct ParsedSnapshot {
    std::vector<SnapshotEntry> entries;  ///< live entries, in file order
    std::size_t expired_dropped = 0;     ///< entries left out because their deadline had passed
};

/// Writes every live key of `keyspace` to `path`, replacing the file atomically (AtomicFile):
/// after a crash or an error, `path` holds either the previous snapshot or the complete new one.
/// Keys that have expired by the keyspace's clock are skipped. Entries are sorted by key, so
/// the same data always gives the same bytes. `now` is recorded as "saved_at_ms", for people.
/// Throws PersistError naming the file and the OS error.
SnapshotSaveStats save_snapshot(const store::Keyspace& keyspace, const std::filesystem::path& path,
                                store::TimePoint now);

/// Parses and validates a whole snapshot document. Entries whose deadline is before `now` are
/// left out and counted, like Redis loading an RDB file as a master. Throws PersistError
/// "<name>: <what is wrong>": the byte offset of a JSON syntax error, or the path of the bad
/// field ("entries[3].value: invalid base64").
[[nodiscard]] ParsedSnapshot parse_snapshot(std::string_view text, std::string_view name,
                                            store::TimePoint now);

/// Loads the snapshot at `path` into `keyspace` (normally empty). All or nothing: the whole
/// file is validated before the first key is added, so a corrupt or truncated file throws
/// PersistError and leaves `keyspace` untouched; it never yields an empty dataset in place of
/// one it could not read. A missing file is not an error: file_found is false, nothing loaded.
SnapshotLoadStats load_snapshot(const std::filesystem::path& path, store::Keyspace& keyspace,
                                store::TimePoint now);

}  // namespace persist
