// One entry point for both snapshot formats: Redis's RDB and lab 4's JSON. The file name picks
// the format for saving and loading a file; received bytes (a replica's full sync) are sniffed.
// Introduced with the RDB format (lab 4).
#pragma once

#include <filesystem>
#include <string_view>

#include "persist/snapshot.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace persist {

/// The two ways this server can write its keyspace to one file.
enum class SnapshotFormat {
    rdb,   ///< Redis's binary format: redis-server and its tools read our files, we read theirs
    json,  ///< lab 4's document (snapshot.hpp): readable and diffable, only this course reads it
};

/// The format for a snapshot file: JSON for a name ending in ".json" (any case), RDB for any
/// other, so `--dbfilename dump.rdb` behaves like Redis and lab 4's `dump.json` keeps working.
[[nodiscard]] SnapshotFormat snapshot_format_for(const std::filesystem::path& path);

/// The format of snapshot bytes from their first bytes: RDB when they start with "REDIS",
/// JSON otherwise (a JSON document starts with '{' or whitespace, never with 'R').
[[nodiscard]] SnapshotFormat sniff_snapshot_format(std::string_view bytes);

/// save_rdb() or save_snapshot(), as snapshot_format_for(path) says.
SnapshotSaveStats save_any(const store::Keyspace& keyspace, const std::filesystem::path& path,
                           store::TimePoint now);

/// load_rdb() or load_snapshot(), as snapshot_format_for(path) says. A file whose content is
/// of the other format is refused (PersistError), not guessed at: a dump.rdb holding JSON
/// means a misconfiguration that someone should see.
SnapshotLoadStats load_any(const std::filesystem::path& path, store::Keyspace& keyspace,
                           store::TimePoint now);

/// parse_rdb() or parse_snapshot(), as sniff_snapshot_format(bytes) says: for bytes that come
/// without a file name, such as a master's snapshot in a full resynchronisation.
[[nodiscard]] ParsedSnapshot parse_any(std::string_view bytes, std::string_view name,
                                       store::TimePoint now);

}  // namespace persist
