// Test helpers for lab 4: the shared scratch directory and file helpers (tests/support), and a
// temporary file-size limit that makes a write fail halfway. Introduced in lab 4.
#pragma once

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "support/temp_dir.hpp"

namespace lab4_test {

using support::read_bytes;
using support::TempDir;
using support::write_bytes;

/// While alive, no file of this process may grow beyond `bytes` (RLIMIT_FSIZE): a write past
/// it fails with EFBIG, as a full disk fails with ENOSPC. It works for root too, which
/// permission bits do not stop. SIGXFSZ, which would kill the process, is ignored meanwhile.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &saved_);
        old_handler_ = ::signal(SIGXFSZ, SIG_IGN);
        rlimit limit = saved_;
        limit.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~FileSizeLimit() {
        ::setrlimit(RLIMIT_FSIZE, &saved_);
        ::signal(SIGXFSZ, old_handler_);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;

private:
    rlimit saved_{};
    sighandler_t old_handler_ = SIG_DFL;
};

}  // namespace lab4_test
