// Picking the snapshot format by file name or by content. Introduced with the RDB format
// (lab 4).
#include "persist/snapshot_format.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "persist/rdb.hpp"

namespace persist {

SnapshotFormat snapshot_format_for(const std::filesystem::path& path) {
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension == ".json" ? SnapshotFormat::json : SnapshotFormat::rdb;
}

SnapshotFormat sniff_snapshot_format(std::string_view bytes) {
    return bytes.starts_with("REDIS") ? SnapshotFormat::rdb : SnapshotFormat::json;
}

SnapshotSaveStats save_any(const store::Keyspace& keyspace, const std::filesystem::path& path,
                           store::TimePoint now) {
    if (snapshot_format_for(path) == SnapshotFormat::json)
        return save_snapshot(keyspace, path, now);
    return save_rdb(keyspace, path, now);
}

SnapshotLoadStats load_any(const std::filesystem::path& path, store::Keyspace& keyspace,
                           store::TimePoint now) {
    if (snapshot_format_for(path) == SnapshotFormat::json)
        return load_snapshot(path, keyspace, now);
    return load_rdb(path, keyspace, now);
}

ParsedSnapshot parse_any(std::string_view bytes, std::string_view name, store::TimePoint now) {
    if (sniff_snapshot_format(bytes) == SnapshotFormat::json)
        return parse_snapshot(bytes, name, now);
    return parse_rdb(bytes, name, now);
}

}  // namespace persist
