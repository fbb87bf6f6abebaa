// What the whole process uses, as the operating system and the allocator see it: the figures a
// memory report puts beside the keyspace's own estimate. Introduced in lab 2.
#pragma once

#include <cstddef>

namespace store {

struct ProcessMemory {
    /// Resident set size: pages of this process in RAM (/proc/self/statm), like Redis's
    /// used_memory_rss.
    std::size_t resident_bytes = 0;
    /// Bytes handed out by malloc and not yet freed (glibc's mallinfo2(): uordblks + hblkhd), like
    /// Redis's used_memory, which counts its allocator's allocations.
    std::size_t heap_bytes = 0;
};

/// Reads both figures now. A figure that cannot be read is 0.
[[nodiscard]] ProcessMemory read_process_memory();

}  // namespace store
