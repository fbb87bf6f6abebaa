// Process memory figures for lab 2's report, from Linux and glibc.
#include "store/memory.hpp"

#include <malloc.h>
#include <unistd.h>

#include <fstream>

namespace store {

ProcessMemory read_process_memory() {
    ProcessMemory memory;
    // statm's fields are in pages: total program size, then resident set, then more.
    std::ifstream statm{"/proc/self/statm"};
    std::size_t total_pages = 0;
    std::size_t resident_pages = 0;
    if (statm >> total_pages >> resident_pages) {
        memory.resident_bytes = resident_pages * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    }
    // uordblks counts blocks from malloc's heap; hblkhd the large blocks (128 KiB and more,
    // such as the bucket array of a big table) that malloc maps from the kernel one by one.
    const struct mallinfo2 info = mallinfo2();
    memory.heap_bytes = info.uordblks + info.hblkhd;
    return memory;
}

}  // namespace store
