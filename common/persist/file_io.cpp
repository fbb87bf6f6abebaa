// POSIX file handling for persistence: whole-file reads, complete writes, and the
// temp-file/fsync/rename/directory-fsync sequence of AtomicFile. Introduced in lab 4.
#include "persist/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace persist {

namespace {

// Opens `path`, retrying when a signal interrupts the call; returns -1 with errno set.
int open_retrying(const std::filesystem::path& path, int flags, mode_t mode = 0) {
    int fd = -1;
    do {
        fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

}  // namespace

void throw_os_error(const std::filesystem::path& path, std::string_view action, int error_number) {
    throw PersistError{path.string() + ": " + std::string{action} + ": " +
                       std::strerror(error_number)};
}

std::optional<std::string> read_file(const std::filesystem::path& path) {
    net::FileDescriptor fd{open_retrying(path, O_RDONLY)};
    if (!fd.valid()) {
        if (errno == ENOENT) return std::nullopt;
        throw_os_error(path, "cannot open", errno);
    }
    std::string content;
    struct stat info {};
    if (::fstat(fd.get(), &info) == 0 && info.st_size > 0) {
        content.reserve(static_cast<std::size_t>(info.st_size));
    }
    std::array<char, 64 * 1024> chunk;
    while (true) {
        const ssize_t count = ::read(fd.get(), chunk.data(), chunk.size());
        if (count < 0 && errno == EINTR) continue;
        if (count < 0) throw_os_error(path, "cannot read", errno);
        if (count == 0) return content;
        content.append(chunk.data(), static_cast<std::size_t>(count));
    }
}

void write_all(int fd, std::string_view bytes, const std::filesystem::path& path) {
    while (!bytes.empty()) {
        const ssize_t count = ::write(fd, bytes.data(), bytes.size());
        if (count < 0 && errno == EINTR) continue;
        if (count < 0) throw_os_error(path, "write failed", errno);
        bytes.remove_prefix(static_cast<std::size_t>(count));
    }
}

std::filesystem::path parent_directory(const std::filesystem::path& path) {
    const auto parent = path.parent_path();
    return parent.empty() ? std::filesystem::path{"."} : parent;
}

void fsync_directory(const std::filesystem::path& directory) {
    net::FileDescriptor fd{open_retrying(directory, O_RDONLY | O_DIRECTORY)};
    if (!fd.valid()) throw_os_error(directory, "cannot open directory to fsync it", errno);
    if (::fsync(fd.get()) != 0) throw_os_error(directory, "fsync of directory failed", errno);
}

AtomicFile::AtomicFile(std::filesystem::path target)
    : target_{std::move(target)},
      temp_path_{target_.string() + ".tmp." + std::to_string(::getpid())} {
    // O_TRUNC: a temp file left by a crashed process with the same pid is garbage to overwrite.
    fd_.reset(open_retrying(temp_path_, O_WRONLY | O_CREAT | O_TRUNC, 0644));
    if (!fd_.valid()) throw_os_error(temp_path_, "cannot create temp file", errno);
    buffer_.reserve(buffer_size);
}

AtomicFile::~AtomicFile() {
    if (committed_) return;
    // An abandoned save: drop the half-written temp file, never the target.
    fd_.reset();
    ::unlink(temp_path_.c_str());
}

void AtomicFile::write(std::string_view bytes) {
    if (buffer_.size() + bytes.size() > buffer_size) flush_buffer();
    if (bytes.size() >= buffer_size) {
        write_all(fd_.get(), bytes, temp_path_);
        written_ += bytes.size();
    } else {
        buffer_.append(bytes);
    }
}

void AtomicFile::flush_buffer() {
    write_all(fd_.get(), buffer_, temp_path_);
    written_ += buffer_.size();
    buffer_.clear();
}

void AtomicFile::commit() {
    // 1. Every byte leaves our buffer for the kernel.
    flush_buffer();
    // 2. The kernel puts the data on the disk before the name can point at it. Without this,
    //    ext4 and xfs may commit the rename first, and a crash leaves a zero-length file under
    //    the good name: the old data gone and the new data never written.
    if (::fsync(fd_.get()) != 0) throw_os_error(temp_path_, "fsync failed", errno);
    // close() after a successful fsync cannot lose data; we do not need its result.
    fd_.reset();
    // 3. rename() swaps the name atomically: a reader sees the old file or the new one, never a
    //    mixture, and a crash leaves one of the two.
    if (::rename(temp_path_.c_str(), target_.c_str()) != 0) {
        throw_os_error(target_, "cannot rename " + temp_path_.string() + " over it", errno);
    }
    committed_ = true;
    // 4. The rename itself is an update of the directory; fsync it so the new name survives a
    //    power cut. The data is safe already; a failure here is still reported.
    fsync_directory(parent_directory(target_));
}

}  // namespace persist
