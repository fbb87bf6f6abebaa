// What the libFuzzer targets share: stopping on a broken promise, comparing datasets, and a
// private directory for the targets that must go through real files. Header-only, so that each
// target stays one source file. Introduced with the fuzz targets of lab 4.
#pragma once

#include <stdlib.h>  // mkdtemp

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <vector>

#include "store/keyspace.hpp"

namespace fuzz_support {

/// A failed invariant: abort, so that libFuzzer saves the input that broke it.
inline void require(bool condition) {
    if (!condition) std::abort();
}

/// A value as plain data that compares with ==: a string, a list's elements in order, or a
/// set's members sorted (a set's iteration order depends on its history).
struct PlainValue {
    store::Type type = store::Type::string;
    std::vector<std::string> elements;
    friend bool operator==(const PlainValue&, const PlainValue&) = default;
};

inline PlainValue plain(const store::Value& value) {
    PlainValue result;
    if (const auto* text = std::get_if<std::string>(&value)) {
        result.elements.push_back(*text);
    } else if (const auto* list = std::get_if<store::List>(&value)) {
        result.type = store::Type::list;
        result.elements.assign(list->begin(), list->end());
    } else {
        const auto& set = std::get<store::Set>(value);
        result.type = store::Type::set;
        result.elements.assign(set.begin(), set.end());
        std::sort(result.elements.begin(), result.elements.end());
    }
    return result;
}

/// One key of a dataset, as plain data.
struct PlainEntry {
    std::string key;
    PlainValue value;
    std::optional<store::TimePoint> deadline;
    friend bool operator==(const PlainEntry&, const PlainEntry&) = default;
    friend bool operator<(const PlainEntry& left, const PlainEntry& right) {
        return left.key < right.key;
    }
};

/// Every live key of `keyspace`, sorted by key: two keyspaces hold the same data exactly when
/// their datasets are equal.
inline std::vector<PlainEntry> dataset(const store::Keyspace& keyspace) {
    std::vector<PlainEntry> entries;
    keyspace.for_each([&](std::string_view key, const store::EntryView& entry) {
        entries.push_back({std::string{key}, plain(entry.value), entry.deadline});
    });
    std::sort(entries.begin(), entries.end());
    return entries;
}

/// A directory of this process's own, made once and removed when the process exits (a crash,
/// which libFuzzer ends with _Exit, leaves it behind). On /dev/shm when there is one, so that
/// the fsyncs of the code under test cost nothing.
inline const std::filesystem::path& scratch_directory() {
    static const std::filesystem::path directory = [] {
        std::error_code error;
        const std::filesystem::path base = std::filesystem::is_directory("/dev/shm", error)
                                               ? std::filesystem::path{"/dev/shm"}
                                               : std::filesystem::temp_directory_path();
        std::string pattern = (base / "redis-course-fuzz.XXXXXX").string();
        require(::mkdtemp(pattern.data()) != nullptr);
        return std::filesystem::path{pattern};
    }();
    // Registered once `directory` is built, so that it runs before `directory` is destroyed.
    static const int cleanup = std::atexit([] {
        std::error_code ignored;
        std::filesystem::remove_all(scratch_directory(), ignored);
    });
    (void)cleanup;
    return directory;
}

}  // namespace fuzz_support
