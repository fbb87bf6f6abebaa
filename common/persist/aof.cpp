// The append-only file: appending RESP commands under an fsync policy, the everysec thread,
// replay with the lab 3 parser (torn tail versus corruption), and compaction. Introduced in lab 4.
#include "persist/aof.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "persist/apply.hpp"
#include "persist/file_io.hpp"
#include "resp/parser.hpp"
#include "resp/writer.hpp"

namespace persist {

namespace {

// Where the commands of a file end, found by a first pass that runs no command.
struct Scan {
    std::size_t commands = 0;
    std::size_t valid_end = 0;  // end of the last complete command
};

// Redis's rewriteListObject() / rewriteSetObject(): one command per `batch_elements` elements,
// so that replaying a huge list never builds one huge command (AOF_REWRITE_ITEMS_PER_CMD).
constexpr std::size_t batch_elements = 64;

template <class Write, class Elements>
void write_in_batches(Write& write, std::string_view command, std::string_view key,
                      const Elements& elements) {
    std::vector<std::string_view> argv{command, key};
    argv.reserve(2 + batch_elements);
    for (const std::string& element : elements) {
        argv.emplace_back(element);
        if (argv.size() == 2 + batch_elements) {
            write(std::span<const std::string_view>{argv});
            argv.resize(2);
        }
    }
    if (argv.size() > 2) write(std::span<const std::string_view>{argv});
}

// The AOF is written by encode_command() alone, so every command is an array: an inline
// command there is corruption, not a telnet user.
resp::Parser aof_parser() {
    resp::Limits limits;
    limits.inline_commands = resp::InlineCommands::reject;
    return resp::Parser{limits};
}

std::string at_byte(const std::filesystem::path& path, std::size_t offset) {
    return path.string() + ": at byte " + std::to_string(offset) + ": ";
}

// Checks the whole file: counts complete commands, throws on a protocol error, and finds where
// a torn last command (need_more at the end of the file) starts.
Scan scan(const std::filesystem::path& path, std::string_view text) {
    resp::Parser parser = aof_parser();
    Scan result;
    std::size_t offset = 0;
    while (offset < text.size()) {
        const resp::ParseResult parsed = parser.parse(text, offset);
        offset += parsed.consumed;
        if (parsed.status == resp::ParseStatus::error) {
            throw PersistError{at_byte(path, offset) + "corrupt command (" +
                               std::string{parsed.message} + ")"};
        }
        if (parsed.status == resp::ParseStatus::need_more) break;
        ++result.commands;
        result.valid_end = offset;
    }
    // consumed also covers no-op input after the last command (`*0\r\n`): harmless, kept.
    if (parser.idle()) result.valid_end = offset;
    return result;
}

// Cuts a torn tail off, durably, so the next append starts right after the last command.
void truncate_file(const std::filesystem::path& path, std::size_t length) {
    net::FileDescriptor fd{::open(path.c_str(), O_WRONLY | O_CLOEXEC)};
    if (!fd.valid()) throw_os_error(path, "cannot open to truncate the torn tail", errno);
    if (::ftruncate(fd.get(), static_cast<off_t>(length)) != 0) {
        throw_os_error(path, "cannot truncate the torn tail", errno);
    }
    if (::fsync(fd.get()) != 0) throw_os_error(path, "fsync after truncation failed", errno);
}

}  // namespace

std::string_view to_string(FsyncPolicy policy) {
    switch (policy) {
        case FsyncPolicy::always:
            return "always";
        case FsyncPolicy::everysec:
            return "everysec";
        case FsyncPolicy::no:
            return "no";
    }
    return "?";
}

std::optional<FsyncPolicy> parse_fsync_policy(std::string_view name) {
    for (const auto policy : {FsyncPolicy::always, FsyncPolicy::everysec, FsyncPolicy::no}) {
        if (name == to_string(policy)) return policy;
    }
    return std::nullopt;
}

ReplayStats replay_aof(const std::filesystem::path& path, const CommandHandler& handler,
                       TornTail torn_tail) {
    const auto text = read_file(path);
    if (!text) return ReplayStats{};
    ReplayStats stats{true, 0, text->size(), std::nullopt, {}};

    // Pass 1 runs nothing: a corrupt file is refused before the keyspace changes.
    const Scan found = scan(path, *text);
    const bool torn = found.valid_end < text->size();
    if (torn && torn_tail == TornTail::refuse) {
        throw PersistError{at_byte(path, found.valid_end) +
                           "the last command is incomplete (the file ends inside it)"};
    }

    // Pass 2 hands each complete command to the handler.
    resp::Parser parser = aof_parser();
    std::size_t offset = 0;
    while (stats.commands < found.commands) {
        // `start` is where the command begins (our writer puts no no-op input between commands).
        const std::size_t start = offset;
        const resp::ParseResult parsed = parser.parse(*text, offset);
        offset += parsed.consumed;
        try {
            handler(parsed.args);
        } catch (const std::exception& error) {
            throw PersistError{at_byte(path, start) + error.what()};
        }
        ++stats.commands;
    }

    if (torn) {
        truncate_file(path, found.valid_end);
        stats.truncated_at = found.valid_end;
        stats.warning = path.string() + ": the last command is incomplete (a write torn by a " +
                        "crash?): truncated the file at byte " + std::to_string(found.valid_end) +
                        ", dropping " + std::to_string(text->size() - found.valid_end) +
                        " bytes (like Redis with aof-load-truncated yes)";
    }
    return stats;
}

ReplayStats load_aof(const std::filesystem::path& path, store::Keyspace& keyspace,
                     TornTail torn_tail) {
    return replay_aof(
        path,
        [&keyspace](std::span<const std::string_view> argv) {
            const ApplyResult result = apply(keyspace, argv);
            if (result.status != ApplyStatus::ok) throw std::runtime_error{result.message};
        },
        torn_tail);
}

RewriteStats rewrite_aof(const store::Keyspace& keyspace, const std::filesystem::path& path) {
    AtomicFile file{path};
    RewriteStats stats;
    std::string encoded;
    auto write = [&](std::span<const std::string_view> argv) {
        encoded.clear();
        resp::encode_command(encoded, argv);
        file.write(encoded);
        ++stats.commands;
    };
    keyspace.for_each([&](std::string_view key, const store::EntryView& entry) {
        const std::string ms =
            entry.deadline ? std::to_string(entry.deadline->time_since_epoch().count()) : "";
        if (const auto* text = std::get_if<std::string>(&entry.value)) {
            // One command per string key, where Redis's rewrite writes SET then PEXPIREAT, a
            // form older than SET's PXAT option (added in Redis 6.2).
            const std::string_view argv[] = {"SET", key, *text, "PXAT", ms};
            write(std::span<const std::string_view>{argv}.first(entry.deadline ? 5 : 3));
            return;
        }
        if (const auto* list = std::get_if<store::List>(&entry.value)) {
            write_in_batches(write, "RPUSH", key, *list);
        } else {
            write_in_batches(write, "SADD", key, std::get<store::Set>(entry.value));
        }
        if (entry.deadline) {
            const std::string_view argv[] = {"PEXPIREAT", key, ms};
            write(argv);
        }
    });
    stats.file_bytes = file.size();
    file.commit();
    return stats;
}

AppendOnlyFile::AppendOnlyFile(std::filesystem::path path, FsyncPolicy policy,
                               std::chrono::milliseconds everysec_interval)
    : path_{std::move(path)}, policy_{policy}, interval_{everysec_interval} {
    open_for_append();
    if (policy_ == FsyncPolicy::everysec) {
        fsync_thread_ = std::jthread{[this](std::stop_token stop) { everysec_loop(stop); }};
    }
}

AppendOnlyFile::~AppendOnlyFile() {
    try {
        close();
    } catch (const std::exception& error) {
        std::cerr << "warning: closing the append-only file: " << error.what() << '\n';
    }
}

void AppendOnlyFile::open_for_append() {
    // O_APPEND: every write lands at the end, whatever the offset says.
    net::FileDescriptor fd{::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)};
    if (!fd.valid()) throw_os_error(path_, "cannot open the append-only file", errno);
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) throw_os_error(path_, "cannot stat", errno);
    // The file may have just been created: make its name durable too.
    fsync_directory(parent_directory(path_));
    const std::lock_guard lock{fd_mutex_};
    fd_ = std::move(fd);
    size_ = static_cast<std::size_t>(info.st_size);
}

void AppendOnlyFile::append(std::initializer_list<std::string_view> argv) {
    append(std::span<const std::string_view>{argv.begin(), argv.size()});
}

void AppendOnlyFile::append(std::span<const std::string_view> argv) {
    if (!fd_.valid()) throw PersistError{path_.string() + ": append after close"};
    if (const int error = fsync_error_.exchange(0); error != 0) {
        throw_os_error(path_, "background fsync failed (appendfsync everysec)", error);
    }
    // The half command a failed write left could not be cut off then: cut it now, or this
    // command would follow garbage and a replay would refuse the whole file.
    if (torn_) {
        if (::ftruncate(fd_.get(), static_cast<off_t>(size_)) != 0) {
            throw_os_error(path_, "cannot cut off the part of a failed write", errno);
        }
        torn_ = false;
    }
    encoded_.clear();
    resp::encode_command(encoded_, argv);
    try {
        write_all(fd_.get(), encoded_, path_);
    } catch (const PersistError&) {
        // A write that failed part-way (disk full) left the start of a command at the end of
        // the file. Cut it off, as Redis does, so a later append or a replay does not read the
        // next command glued to half of this one. If even that fails, replay still treats it as
        // a torn tail, and the next append tries the cut again before writing anything.
        torn_ = ::ftruncate(fd_.get(), static_cast<off_t>(size_)) != 0;
        throw;
    }
    size_ += encoded_.size();
    switch (policy_) {
        case FsyncPolicy::always:
            sync_now();
            break;
        case FsyncPolicy::everysec:
            dirty_.store(true);
            break;
        case FsyncPolicy::no:
            break;
    }
}

void AppendOnlyFile::sync_now() {
    // fdatasync, like Redis's redis_fsync on Linux: the data and the file size, but not
    // metadata such as the modification time, which replay does not need.
    if (::fdatasync(fd_.get()) != 0) throw_os_error(path_, "fdatasync failed", errno);
    ++fsyncs_;
}

void AppendOnlyFile::everysec_loop(std::stop_token stop) {
    std::unique_lock lock{fd_mutex_};
    while (!stop.stop_requested()) {
        // Sleeps one interval, or less when close() asks the thread to stop.
        wake_.wait_for(lock, stop, interval_, [] { return false; });
        if (stop.stop_requested()) break;
        // Nothing written since the last fsync: nothing to do, and no disk I/O on an idle server.
        if (!dirty_.exchange(false)) continue;
        if (::fdatasync(fd_.get()) != 0) {
            fsync_error_.store(errno);  // the next append() reports it
        } else {
            ++fsyncs_;
        }
    }
}

RewriteStats AppendOnlyFile::rewrite(const store::Keyspace& keyspace) {
    const RewriteStats stats = rewrite_aof(keyspace, path_);
    // Our descriptor still points at the old file, now unlinked: switch to the new one. The
    // rewrite fsynced everything it wrote, and the old file's content no longer matters.
    open_for_append();
    dirty_.store(false);
    return stats;
}

void AppendOnlyFile::close() {
    if (!fd_.valid()) return;
    if (fsync_thread_.joinable()) {
        fsync_thread_.request_stop();
        fsync_thread_.join();
    }
    if (const int error = fsync_error_.exchange(0); error != 0) {
        fd_.reset();
        throw_os_error(path_, "background fsync failed (appendfsync everysec)", error);
    }
    // Redis fsyncs on shutdown whatever the policy: a clean stop loses nothing.
    const bool synced = ::fdatasync(fd_.get()) == 0;
    const int error = errno;
    fd_.reset();
    if (!synced) throw_os_error(path_, "fdatasync on close failed", error);
    ++fsyncs_;
}

}  // namespace persist
