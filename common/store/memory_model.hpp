// The allocator model behind every memory estimate of the store: what glibc's malloc and
// libstdc++'s std::string really take for a request. Introduced in lab 2 (keyspace.cpp), shared
// with lab 6's lists and sets.
#pragma once

#include <cstddef>
#include <string>

namespace store {

// The model of docs/lab2_store.md, "Where the memory goes": glibc's malloc on a 64-bit machine
// hands out chunks of the request plus an 8-byte header, rounded up to 16 bytes, never less than
// 32.

/// Bytes glibc's malloc really uses for a request of `request` bytes.
[[nodiscard]] constexpr std::size_t malloc_chunk(std::size_t request) {
    const std::size_t with_header = request + sizeof(std::size_t);
    const std::size_t rounded = (with_header + 15) / 16 * 16;
    return rounded < 32 ? 32 : rounded;
}

/// libstdc++'s std::string keeps up to 15 bytes inside the object (the small string
/// optimisation); a longer one owns a heap block of capacity + 1 bytes.
[[nodiscard]] inline std::size_t string_heap_bytes(const std::string& text) {
    constexpr std::size_t inline_capacity = 15;
    return text.capacity() > inline_capacity ? malloc_chunk(text.capacity() + 1) : 0;
}

}  // namespace store
