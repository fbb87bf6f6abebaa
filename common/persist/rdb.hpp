// Redis's own snapshot format, RDB: reading the files Redis 7.0 writes (and 7.2's, and older
// versions back to 1), and writing files that redis-server 7.0 loads. The JSON snapshot
// (snapshot.hpp) stays beside it; snapshot_format.hpp picks one by file name or content.
// Introduced in lab 4, as the second part of persistence.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "persist/snapshot.hpp"
#include "store/clock.hpp"
#include "store/keyspace.hpp"

namespace persist {

/// Choices for encode_rdb() and save_rdb().
struct RdbWriteOptions {
    /// LZF-compress strings longer than 20 bytes when that makes them shorter, as Redis does
    /// with `rdbcompression yes` (its default). Off: bigger files, less CPU on save.
    bool compress = true;
    /// Write the CRC-64 of the file after it, as Redis does with `rdbchecksum yes`. Off: the
    /// trailer is eight zero bytes, which every reader takes as "not computed".
    bool checksum = true;
};

/// The RDB file for every live key of `keyspace` (keys that have expired by the keyspace's
/// clock are left out), in version 10, the version Redis 7.0 writes:
///
///     "REDIS0010"  AUX fields (redis-ver 7.0.15, redis-bits, ctime, used-mem, aof-base)
///     SELECTDB 0  RESIZEDB <keys> <keys with a deadline>
///     for each key, sorted: [EXPIRETIME_MS <unix ms>] <type> <key> <value>
///     EOF  <CRC-64 of everything before it, little-endian>
///
/// Strings are type 0 (integers in the INT encodings, long strings LZF-compressed), lists type
/// 1 and sets type 2: the plain encodings, which every Redis version loads and converts to its
/// own compact form. Keys are sorted, so the same data gives the same bytes. `now` is the
/// ctime field (seconds), for people.
[[nodiscard]] std::string encode_rdb(const store::Keyspace& keyspace, store::TimePoint now,
                                     RdbWriteOptions options = {});

/// Writes encode_rdb()'s bytes to `path`, atomically (AtomicFile), like save_snapshot().
/// Throws PersistError naming the file and the OS error.
SnapshotSaveStats save_rdb(const store::Keyspace& keyspace, const std::filesystem::path& path,
                           store::TimePoint now, RdbWriteOptions options = {});

/// Parses and validates a whole RDB file. Entries whose deadline is before `now` are left out
/// and counted, like Redis loading a file as a master; store::TimePoint::min() keeps them all.
///
/// Strict, like the JSON reader: every length is checked against the bytes that remain before
/// anything is allocated for it, ziplists, listpacks and intsets are validated entry by entry,
/// the CRC-64 is verified (unless the file says 0, "not computed"), and anything this server
/// cannot hold is refused by name rather than skipped: a hash, a sorted set or a stream, a key
/// in a database other than 0, Redis functions, module data. Throws PersistError
/// "<name>: byte <offset>: <what is wrong>".
[[nodiscard]] ParsedSnapshot parse_rdb(std::string_view bytes, std::string_view name,
                                       store::TimePoint now);

/// Loads the RDB file at `path` into `keyspace`, all or nothing, like load_snapshot(): a missing
/// file is not an error (file_found is false); a corrupt one throws PersistError and leaves
/// `keyspace` untouched.
SnapshotLoadStats load_rdb(const std::filesystem::path& path, store::Keyspace& keyspace,
                           store::TimePoint now);

}  // namespace persist
