// Helpers shared by lab 5's black-box tests: a scratch directory per test and a lab5_server
// started in it on a free port, with saving off unless a test asks for it. Introduced in lab 5.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace lab5_test {

using support::read_bytes;
using support::TempDir;
using support::write_bytes;

inline std::string lab5_binary() {
    return support::server_program("lab5_server");
}

/// The arguments that start lab5_server on a free port in `dir`, followed by `extra`; snapshots
/// are off (`--save ""`) unless `extra` has its own `--save`.
inline std::vector<std::string> server_arguments(const TempDir& dir,
                                                 const std::vector<std::string>& extra = {}) {
    std::vector<std::string> arguments{"--port", "0", "--dir", dir.string()};
    if (std::find(extra.begin(), extra.end(), "--save") == extra.end()) {
        arguments.insert(arguments.end(), {"--save", ""});
    }
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return arguments;
}

/// Starts lab5_server with server_arguments() and waits until it listens.
inline support::ServerProcess start_server(const TempDir& dir,
                                           const std::vector<std::string>& extra = {}) {
    return support::ServerProcess::start(lab5_binary(), server_arguments(dir, extra));
}

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace lab5_test
