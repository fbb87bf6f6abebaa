// What the replication commands (REPLICAOF, ROLE, WAIT, REPLCONF, PSYNC, INFO replication) ask
// of the replication layer around the command layer. Implemented by lab 8's repl::Replication;
// the servers of labs 5 to 7 have none (ServerControl::replication() is null there).
// Introduced in lab 8.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/session.hpp"
#include "resp/writer.hpp"

namespace cmd {

/// One replica of ours, as INFO (`slave0:ip=...,port=...,state=...,offset=...,lag=...`) and
/// ROLE show it.
struct ReplicaStatus {
    std::string ip;
    int port = 0;
    /// Redis's names: `wait_bgsave`, `send_bulk`, `online`.
    std::string state;
    /// The offset it last acknowledged with REPLCONF ACK.
    std::uint64_t acked_offset = 0;
    /// Seconds since its last acknowledgement.
    long long lag_seconds = 0;
};

/// Everything INFO replication and ROLE report, in one snapshot.
struct ReplicationStatus {
    // --- when this server is a replica ---
    bool is_replica = false;
    std::string master_host;
    int master_port = 0;
    /// ROLE's state of the link: `connect`, `connecting`, `handshake`, `sync`, `connected`.
    std::string link_state = "connect";
    bool link_up = false;
    /// Seconds since the master last sent anything; -1 with no link.
    long long master_last_io_seconds = -1;
    /// Seconds since the link went down; -1 when it never was up.
    long long link_down_seconds = -1;
    bool sync_in_progress = false;
    /// What has been read from the master (slave_read_repl_offset) and applied
    /// (slave_repl_offset); the two differ by a command not yet complete.
    std::uint64_t read_offset = 0;
    std::uint64_t applied_offset = 0;

    // --- both roles ---
    std::vector<ReplicaStatus> replicas;
    std::string replication_id;
    std::string replication_id2 = std::string(40, '0');
    std::uint64_t offset = 0;
    /// The first offset at which replication_id2 stops being valid; -1 without one.
    long long second_offset = -1;
    bool backlog_active = false;
    std::uint64_t backlog_size = 0;
    std::uint64_t backlog_first_byte_offset = 0;
    std::uint64_t backlog_histlen = 0;
};

/// The replication layer, as the command layer sees it. Every call is made on the thread that
/// runs commands.
class Replication {
public:
    virtual ~Replication() = default;

    [[nodiscard]] virtual ReplicationStatus status() const = 0;

    /// REPLICAOF host port: replicate from that master from now on (connecting in the
    /// background). False when it already does: `+OK Already connected to specified master`.
    virtual bool replicate_from(const std::string& host, int port) = 0;
    /// REPLICAOF NO ONE: stop replicating and become a master, keeping the data.
    virtual void become_master() = 0;

    /// REPLCONF ACK <offset> from a replica of ours (no reply).
    virtual void acknowledged(Session& replica, std::uint64_t offset) = 0;
    /// REPLCONF GETACK from our master: sends `REPLCONF ACK <offset>` on the link (no reply).
    virtual void send_ack() = 0;

    /// PSYNC replid offset (SYNC when `sync_command`): turns `session` into a replica and
    /// writes what the protocol says to `out`, the client's output: `+FULLRESYNC <id>
    /// <offset>` and the snapshot (`$<length>\r\n<bytes>`), or `+CONTINUE <id>` and the
    /// backlog from `offset`. An error text when this server cannot serve a replica now.
    [[nodiscard]] virtual std::optional<std::string> synchronize(Session& session,
                                                                 std::string_view replication_id,
                                                                 long long offset,
                                                                 bool sync_command,
                                                                 std::string& out) = 0;

    /// WAIT: how many replicas have acknowledged at least `offset`.
    [[nodiscard]] virtual long long acknowledged_replicas(std::uint64_t offset) const = 0;
    /// WAIT must wait: asks every replica for an acknowledgement (`REPLCONF GETACK *` in the
    /// stream, sent once at the end of this turn of the loop).
    virtual void request_acks() = 0;
};

}  // namespace cmd
