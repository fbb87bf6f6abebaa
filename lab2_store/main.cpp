// Lab 2 milestone: store keys in the keyspace, read them back, delete some, and report what the
// memory went to. docs/lab2_store.md puts the figures beside real Redis's for the same keys.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdio>
#include <iostream>
#include <string>

#include "store/clock.hpp"
#include "store/keyspace.hpp"
#include "store/memory.hpp"

namespace {

std::string key_name(std::size_t index) {
    return "key:" + std::to_string(index);
}

// Each value is distinct per key, so a read that returned the wrong key's value is caught.
std::string value_for(std::size_t index, std::size_t size) {
    return std::string(size, static_cast<char>('a' + index % 26));
}

void print_row(const char* label, long long value, const char* unit) {
    std::printf("  %-40s %12lld %s\n", label, value, unit);
}

void print_memory(const store::Keyspace& keyspace, const store::ProcessMemory& before) {
    const store::ProcessMemory now = store::read_process_memory();
    const auto keys = static_cast<long long>(keyspace.size());
    const auto estimate = static_cast<long long>(keyspace.used_bytes());
    print_row("keys", keys, "");
    print_row("estimated bytes (Keyspace::used_bytes)", estimate, "B");
    print_row("estimated bytes per key", keys ? estimate / keys : 0, "B");
    print_row("heap growth (mallinfo2, like used_memory)",
              static_cast<long long>(now.heap_bytes) - static_cast<long long>(before.heap_bytes),
              "B");
    print_row(
        "resident growth (/proc/self/statm, RSS)",
        static_cast<long long>(now.resident_bytes) - static_cast<long long>(before.resident_bytes),
        "B");
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lab 2: store keys in memory, read them back, and report the memory used"};
    std::size_t keys = 1000;
    std::size_t value_size = 100;
    std::size_t delete_every = 10;
    app.add_option("--keys", keys, "how many keys to store")->capture_default_str();
    app.add_option("--value-size", value_size, "bytes in each value")->capture_default_str();
    app.add_option("--delete-every", delete_every, "delete every Nth key (0: none)")
        ->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    const store::ProcessMemory before = store::read_process_memory();
    store::SystemClock clock;
    store::Keyspace keyspace{clock};

    for (std::size_t i = 0; i < keys; ++i)
        keyspace.set(key_name(i), value_for(i, value_size));
    std::printf("stored %zu keys (key:0 .. key:%zu) with %zu-byte values\n", keyspace.size(),
                keys ? keys - 1 : 0, value_size);

    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < keys; ++i) {
        const auto value = keyspace.get(key_name(i));
        if (!value || *value != value_for(i, value_size)) ++mismatches;
    }
    std::printf("read back %zu keys: %zu wrong or missing\n", keys, mismatches);
    print_memory(keyspace, before);

    std::size_t deleted = 0;
    if (delete_every > 0) {
        for (std::size_t i = 0; i < keys; i += delete_every)
            deleted += keyspace.del(key_name(i));
    }
    std::printf("deleted %zu keys (every %zu%s)\n", deleted, delete_every,
                delete_every == 1 ? "" : "th");
    print_memory(keyspace, before);

    return mismatches == 0 ? 0 : 1;
}
