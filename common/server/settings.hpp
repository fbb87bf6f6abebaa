// The options of a server program beyond cmd::Config (which CONFIG GET shows): the limits on a
// client's buffers. Shared by lab 5's blocking server and lab 7's event loop. Introduced in
// lab 5.
#pragma once

#include <cstddef>

namespace server {

/// The query buffer limit used when none is configured: 64 MiB. Redis's
/// client-query-buffer-limit is 1 GiB, which a test cannot afford to fill; 64 MiB keeps the
/// same meaning (a client whose unprocessed input outgrows it is closed, without a reply).
inline constexpr std::size_t default_query_buffer_limit = 64 * 1024 * 1024;

/// The output buffer limit used when none is configured: 256 MiB (lab 7). Redis's default for
/// normal clients is no limit at all (`client-output-buffer-limit normal 0 0 0`); a bound is
/// what keeps a client that never reads its replies from taking the server's memory.
inline constexpr std::size_t default_output_buffer_limit = 256 * 1024 * 1024;

/// How many bytes one read asks for: Redis's PROTO_IOBUF_LEN, 16 KiB.
inline constexpr std::size_t read_chunk_size = 16 * 1024;

struct ServerSettings {
    /// Close a client whose unprocessed input exceeds this many bytes (Redis's
    /// client-query-buffer-limit, 1 GiB there).
    std::size_t query_buffer_limit = default_query_buffer_limit;
    /// Close a client whose pending replies exceed this many bytes (the hard limit of Redis's
    /// client-output-buffer-limit). Both servers send a read's replies before reading more, so
    /// a client that does not read is simply not read from; the limit catches one read's worth
    /// of commands whose replies are huge (hundreds of pipelined GETs of a big value).
    std::size_t output_buffer_limit = default_output_buffer_limit;
    /// Lab 8: close a replica whose unsent replication stream exceeds this many bytes (the hard
    /// limit of Redis's `client-output-buffer-limit replica 256mb 64mb 60`): a slow or dead
    /// replica must not hold the master's memory; it reconnects and resynchronises.
    std::size_t replica_output_buffer_limit = default_output_buffer_limit;
};

}  // namespace server
