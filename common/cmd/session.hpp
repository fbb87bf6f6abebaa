// The state the command layer keeps per connection: id, name, protocol version, addresses,
// times, the last command, and a pending block (lab 6). Introduced in lab 5.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resp/writer.hpp"
#include "store/clock.hpp"

namespace cmd {

/// Who sends the commands of a session, which decides what the Dispatcher checks.
enum class ClientKind {
    normal,   ///< a network client: authentication, statistics, propagation
    replay,   ///< the append-only file at start-up (Redis's fake AOF client): no authentication
              ///< and nothing propagated, since the commands are already in the file
    master,   ///< lab 8: the replication stream from our master: no authentication, no
              ///< READONLY refusal, no reply, and expired keys stay until the master's DEL
    replica,  ///< lab 8: a replica of ours, after its PSYNC: it is sent the replication
              ///< stream, and only sends REPLCONF ACK
};

/// Lab 8: what a WAIT waits for: `replicas` replicas acknowledging `offset` of the stream.
struct AckWait {
    std::uint64_t offset = 0;
    long long replicas = 0;
};

/// What a blocking command's handler asks for when it cannot be served now (lab 6).
/// The server parks the client; see Context::block() for the whole flow.
struct BlockRequest {
    /// What to reply when the deadline passes first.
    enum class TimeoutReply {
        null_array,     ///< BLPOP, BRPOP: `*-1` in RESP2, `_` in RESP3
        null_bulk,      ///< BLMOVE, BRPOPLPUSH: `$-1` / `_`
        replica_count,  ///< WAIT (lab 8): the number of replicas that acknowledged
    };
    /// The keys whose change may unblock the client, in the order given.
    std::vector<std::string> keys;
    /// When to give up; empty = wait for ever (a timeout of 0).
    std::optional<store::TimePoint> deadline;
    TimeoutReply timeout_reply = TimeoutReply::null_array;
    /// The command to run again when a key is ready: the arguments are kept because the
    /// connection's input buffer moves on.
    std::vector<std::string> argv;
    /// Lab 8, WAIT: no keys; the client waits for acknowledgements from replicas instead.
    std::optional<AckWait> acks;
};

/// One client connection as the commands see it (Redis's `client` struct, minus the I/O).
///
/// The server creates one per connection, fills in the addresses, and passes it to every
/// Dispatcher::execute() of that connection. Commands read and change it (CLIENT SETNAME,
/// HELLO 3, QUIT); the server reads it back (close_after_reply, blocked). CLIENT LIST reads
/// every session through ServerControl::for_each_client().
struct Session {
    /// Unique, increasing from 1 (CLIENT ID); the server assigns it.
    std::uint64_t id = 0;
    ClientKind kind = ClientKind::normal;
    /// CLIENT SETNAME / HELLO SETNAME; empty = no name.
    std::string name;
    /// RESP2 until `HELLO 3`.
    resp::Protocol protocol = resp::Protocol::resp2;
    /// `ip:port` of the peer and of our end, as CLIENT LIST shows them (addr=, laddr=).
    std::string peer_address;
    std::string local_address;
    /// The socket's descriptor (CLIENT LIST fd=), -1 when there is none.
    int fd = -1;
    store::TimePoint created_at{};
    /// When the last command arrived (CLIENT LIST idle=).
    store::TimePoint last_interaction{};
    /// Full name of the last command run (`get`, `client|list`), "NULL" before the first.
    std::string last_command = "NULL";
    /// False until AUTH or HELLO AUTH succeeds, when a password is configured.
    bool authenticated = false;
    /// The selected database: always 0 (databases = 1).
    int database = 0;
    /// Set by QUIT (and a killed client): the server sends the pending reply, then closes.
    bool close_after_reply = false;
    /// Set while the client waits in a blocking command (lab 6); the server owns the wait.
    std::optional<BlockRequest> blocked;
    /// Bytes waiting in the input and output buffers, maintained by the server for
    /// CLIENT LIST's qbuf= and omem= (0 when the server does not track them).
    std::size_t query_buffer_bytes = 0;
    /// Lab 7: the input buffer's unused capacity (CLIENT LIST's qbuf-free=); 0 once an idle
    /// client's buffer was freed.
    std::size_t query_buffer_free = 0;
    std::size_t output_buffer_bytes = 0;

    // --- Lab 8: replication (Redis's client fields slave_listening_port, slave_addr, woff) ---
    /// What a replica-to-be said with REPLCONF listening-port and ip-address, before PSYNC.
    int replica_listening_port = 0;
    std::string replica_announced_ip;
    /// The replication offset just after this client's last write that was propagated: what
    /// its WAIT waits for the replicas to reach.
    std::uint64_t write_offset = 0;
};

/// Redis's rule for CLIENT SETNAME and HELLO SETNAME: printable ASCII without spaces, `!` to
/// `~`. An empty name is valid (it clears the name).
[[nodiscard]] bool is_valid_client_name(std::string_view name);

/// One line of CLIENT LIST / CLIENT INFO for `session`, with Redis 7's fields in Redis 7's
/// order and a trailing `\n`: `id=3 addr=127.0.0.1:50000 laddr=... fd=8 name= age=0 ...`.
/// Fields the course does not track (sub, psub, multi, buffers) print Redis's idle values.
[[nodiscard]] std::string client_info_line(const Session& session, store::TimePoint now);

}  // namespace cmd
