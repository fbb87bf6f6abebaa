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

namespace lab5_test {

/// A fresh directory under the system's temp directory, removed with its content at the end.
class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("lab5-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] std::string string() const { return path_.string(); }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
        return path_ / name;
    }

private:
    std::filesystem::path path_;
};

inline std::string lab5_binary() {
    return support::program_path("lab5_server");
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

inline std::string read_bytes(const std::filesystem::path& path) {
    std::ifstream in{path, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out{path, std::ios::binary | std::ios::trunc};
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace lab5_test
