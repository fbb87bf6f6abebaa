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
    memory.heap_bytes = mallinfo2().uordblks;
    return memory;
}

}  // namespace store
