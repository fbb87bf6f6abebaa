// Crash-safe file primitives for persistence: the error type, reading a whole file, and
// AtomicFile, which replaces a file with temp file + fsync + rename + directory fsync.
// Introduced in lab 4.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "net/socket.hpp"

namespace persist {

/// Every persistence failure: a save that could not finish, a file that could not be read, a
/// file whose contents are invalid. The message always names the file and says what went wrong
/// (the OS error, or the byte offset and the field), because whoever reads it has to go and fix
/// that file.
///
/// An exception rather than a result type: a failed load or save is rare, ends the operation
/// as a whole, and is handled far from where it happened (the program's main, later the SAVE
/// command). Exceptions stop at that boundary, which prints what() and exits or replies -ERR.
class PersistError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Throws PersistError "<path>: <action>: <strerror(error_number)>".
[[noreturn]] void throw_os_error(const std::filesystem::path& path, std::string_view action,
                                 int error_number);

/// The whole content of `path`, or nothing when the file does not exist (a server starting for
/// the first time has no snapshot yet, and Redis treats that as an empty dataset). Any other
/// failure, such as a directory or a permission error, throws PersistError.
[[nodiscard]] std::optional<std::string> read_file(const std::filesystem::path& path);

/// Writes every byte to `fd`, looping over partial writes and EINTR; throws PersistError naming
/// `path` on failure (ENOSPC, EFBIG, EIO...).
void write_all(int fd, std::string_view bytes, const std::filesystem::path& path);

/// Makes a rename or a file creation in `directory` durable: on Linux the name lives in the
/// directory, so a crash after rename() but before the directory reaches the disk can bring back
/// the old name. Throws PersistError.
void fsync_directory(const std::filesystem::path& directory);

/// The directory that holds `path` ("." for a bare file name).
[[nodiscard]] std::filesystem::path parent_directory(const std::filesystem::path& path);

/// Replaces the file at `target` with new content, all or nothing:
///
///     AtomicFile file{"/data/dump.json"};   // creates /data/dump.json.tmp.<pid>
///     file.write(...);                      // buffered; may throw
///     file.commit();                        // flush, fsync, close, rename, fsync the directory
///
/// Until commit() returns, `target` still holds its old content; if anything throws, or the
/// object is destroyed without commit(), the temp file is removed and `target` is untouched.
/// The temp file sits in the same directory as `target` because rename() is only atomic within
/// one file system. Its name carries the process id, like Redis's temp-<pid>.rdb, so two
/// processes saving into one directory cannot write into each other's temp file.
class AtomicFile {
public:
    /// Creates the temp file; throws PersistError naming it when it cannot be created.
    explicit AtomicFile(std::filesystem::path target);
    ~AtomicFile();

    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    AtomicFile(AtomicFile&&) = delete;
    AtomicFile& operator=(AtomicFile&&) = delete;

    /// Appends bytes; they reach the kernel in blocks of buffer_size bytes.
    void write(std::string_view bytes);

    /// Makes the new content durable under `target`'s name. Throws PersistError on failure,
    /// leaving `target` as it was.
    void commit();

    /// Bytes written so far: the size of the file once committed.
    [[nodiscard]] std::size_t size() const { return written_ + buffer_.size(); }

    /// Where the new content is written until commit(): `<target>.tmp.<pid>`.
    [[nodiscard]] const std::filesystem::path& temp_path() const { return temp_path_; }

    /// Size of the user-space buffer in front of write(2).
    static constexpr std::size_t buffer_size = 64 * 1024;

private:
    void flush_buffer();

    std::filesystem::path target_;
    std::filesystem::path temp_path_;
    net::FileDescriptor fd_;
    std::string buffer_;
    std::size_t written_ = 0;
    bool committed_ = false;
};

}  // namespace persist
