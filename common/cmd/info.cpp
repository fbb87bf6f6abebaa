// INFO: the server's state as `# Section` blocks of `field:value` lines with CRLF endings,
// under the field names clients and tools read. Introduced in lab 5.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "cmd/context.hpp"
#include "cmd/families.hpp"
#include "cmd/numbers.hpp"
#include "cmd/replication.hpp"
#include "store/memory.hpp"

namespace cmd {

namespace {

using std::chrono::duration_cast;
using std::chrono::seconds;

// Appends `field:value\r\n`.
void line(std::string& out, std::string_view field, const std::string& value) {
    out.append(field).append(":").append(value).append("\r\n");
}

void line(std::string& out, std::string_view field, long long value) {
    line(out, field, std::to_string(value));
}

long long unix_seconds(store::TimePoint time) {
    return duration_cast<seconds>(time.time_since_epoch()).count();
}

void server_section(Context& ctx, std::string& out) {
    utsname name{};
    uname(&name);
    const ServerIdentity identity = ctx.server.identity();
    const auto now = ctx.state.clock.now();
    const long long uptime = duration_cast<seconds>(now - ctx.state.started_at).count();
    line(out, "redis_version", std::string{redis_version});
    line(out, "redis_git_sha1", "00000000");
    line(out, "redis_git_dirty", 0);
    line(out, "redis_mode", "standalone");
    line(out, "os", std::string{name.sysname} + " " + name.release + " " + name.machine);
    line(out, "arch_bits", static_cast<long long>(sizeof(void*) * 8));
    line(out, "multiplexing_api", identity.multiplexing_api);
    line(out, "process_id", static_cast<long long>(getpid()));
    line(out, "process_supervised", "no");
    line(out, "run_id", ctx.state.run_id);
    line(out, "tcp_port", identity.tcp_port);
    line(out, "server_time_usec",
         std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count());
    line(out, "uptime_in_seconds", uptime);
    line(out, "uptime_in_days", uptime / 86400);
    line(out, "hz", ctx.config.hz);
    line(out, "configured_hz", ctx.config.hz);
    line(out, "executable", identity.executable);
    line(out, "config_file", identity.config_file);
}

void clients_section(Context& ctx, std::string& out) {
    long long blocked = 0;
    long long with_timeout = 0;
    ctx.server.for_each_client([&](const Session& session) {
        if (session.blocked) ++blocked;
        if (session.blocked && session.blocked->deadline) ++with_timeout;
    });
    line(out, "connected_clients", static_cast<long long>(ctx.server.client_count()));
    line(out, "cluster_connections", 0);
    line(out, "maxclients", ctx.config.maxclients);
    line(out, "blocked_clients", blocked);
    line(out, "tracking_clients", 0);
    line(out, "clients_in_timeout_table", with_timeout);
}

void memory_section(Context& ctx, std::string& out) {
    const store::ProcessMemory process = store::read_process_memory();
    const std::uint64_t dataset = ctx.db.keyspace().used_bytes();
    // used_memory is what the allocator handed out, as Redis reports jemalloc's figure;
    // where that cannot be read (sanitizers), the keyspace's own estimate stands in.
    const std::uint64_t used = process.heap_bytes != 0 ? process.heap_bytes : dataset;
    ctx.state.used_memory_peak = std::max(ctx.state.used_memory_peak, used);
    line(out, "used_memory", static_cast<long long>(used));
    line(out, "used_memory_human", bytes_to_human(used));
    line(out, "used_memory_rss", static_cast<long long>(process.resident_bytes));
    line(out, "used_memory_rss_human", bytes_to_human(process.resident_bytes));
    line(out, "used_memory_peak", static_cast<long long>(ctx.state.used_memory_peak));
    line(out, "used_memory_peak_human", bytes_to_human(ctx.state.used_memory_peak));
    line(out, "used_memory_dataset", static_cast<long long>(dataset));
    line(out, "maxmemory", static_cast<long long>(ctx.config.maxmemory));
    line(out, "maxmemory_human", bytes_to_human(ctx.config.maxmemory));
    line(out, "maxmemory_policy", "noeviction");
    line(out, "mem_allocator", "libc");
}

std::string status(bool ok) {
    return ok ? "ok" : "err";
}

void persistence_section(Context& ctx, std::string& out) {
    const PersistenceStatus persistence = ctx.server.persistence();
    line(out, "loading", persistence.loading ? 1 : 0);
    line(out, "async_loading", 0);
    line(out, "rdb_changes_since_last_save", static_cast<long long>(ctx.db.changes_since_save()));
    line(out, "rdb_bgsave_in_progress", persistence.background_save_in_progress ? 1 : 0);
    line(out, "rdb_last_save_time", unix_seconds(persistence.last_save_time));
    line(out, "rdb_last_bgsave_status", status(persistence.last_save_ok));
    line(out, "rdb_last_bgsave_time_sec", persistence.last_background_save_seconds);
    line(out, "rdb_current_bgsave_time_sec", -1);
    line(out, "aof_enabled", persistence.aof_enabled ? 1 : 0);
    line(out, "aof_rewrite_in_progress", persistence.aof_rewrite_in_progress ? 1 : 0);
    line(out, "aof_rewrite_scheduled", 0);
    line(out, "aof_last_rewrite_time_sec", -1);
    line(out, "aof_current_rewrite_time_sec", -1);
    line(out, "aof_last_bgrewrite_status", "ok");
    line(out, "aof_last_write_status", status(persistence.aof_last_write_ok));
}

void stats_section(Context& ctx, std::string& out) {
    Stats& stats = ctx.state.stats;
    stats.sample(ctx.state.clock.now());
    const auto count = [](std::uint64_t value) { return static_cast<long long>(value); };
    line(out, "total_connections_received", count(stats.total_connections_received));
    line(out, "total_commands_processed", count(stats.total_commands_processed));
    line(out, "instantaneous_ops_per_sec", stats.instantaneous_ops_per_sec());
    line(out, "total_net_input_bytes", count(stats.total_net_input_bytes));
    line(out, "total_net_output_bytes", count(stats.total_net_output_bytes));
    line(out, "rejected_connections", count(stats.rejected_connections));
    line(out, "sync_full", count(stats.sync_full));
    line(out, "sync_partial_ok", count(stats.sync_partial_ok));
    line(out, "sync_partial_err", count(stats.sync_partial_err));
    line(out, "expired_keys", count(ctx.db.stats.expired_keys));
    line(out, "evicted_keys", 0);
    line(out, "keyspace_hits", count(ctx.db.stats.keyspace_hits));
    line(out, "keyspace_misses", count(ctx.db.stats.keyspace_misses));
    line(out, "pubsub_channels", 0);
    line(out, "pubsub_patterns", 0);
    line(out, "total_reads_processed", count(stats.total_reads_processed));
    line(out, "total_writes_processed", count(stats.total_writes_processed));
}

void replication_section(Context& ctx, std::string& out) {
    const Replication* replication = ctx.server.replication();
    ReplicationStatus status;
    if (replication != nullptr) {
        status = replication->status();
    } else {  // labs 5 to 7: a master without replicas or backlog
        status.replication_id = ctx.state.replication_id;
        status.offset = ctx.state.replication_offset;
        status.backlog_size = 1024 * 1024;
    }
    const auto number = [](std::uint64_t value) { return static_cast<long long>(value); };
    line(out, "role", status.is_replica ? "slave" : "master");
    if (status.is_replica) {
        line(out, "master_host", status.master_host);
        line(out, "master_port", status.master_port);
        line(out, "master_link_status", status.link_up ? "up" : "down");
        line(out, "master_last_io_seconds_ago", status.master_last_io_seconds);
        line(out, "master_sync_in_progress", status.sync_in_progress ? 1 : 0);
        line(out, "slave_read_repl_offset", number(status.read_offset));
        line(out, "slave_repl_offset", number(status.applied_offset));
        if (!status.link_up) line(out, "master_link_down_since_seconds", status.link_down_seconds);
        line(out, "slave_priority", 100);
        line(out, "slave_read_only", 1);
        line(out, "replica_announced", 1);
    }
    line(out, "connected_slaves", static_cast<long long>(status.replicas.size()));
    for (std::size_t i = 0; i < status.replicas.size(); ++i) {
        const ReplicaStatus& replica = status.replicas[i];
        line(out, "slave" + std::to_string(i),
             "ip=" + replica.ip + ",port=" + std::to_string(replica.port) +
                 ",state=" + replica.state + ",offset=" + std::to_string(replica.acked_offset) +
                 ",lag=" + std::to_string(replica.lag_seconds));
    }
    line(out, "master_failover_state", "no-failover");
    line(out, "master_replid", status.replication_id);
    line(out, "master_replid2", status.replication_id2);
    line(out, "master_repl_offset", number(status.offset));
    line(out, "second_repl_offset", status.second_offset);
    line(out, "repl_backlog_active", status.backlog_active ? 1 : 0);
    line(out, "repl_backlog_size", number(status.backlog_size));
    line(out, "repl_backlog_first_byte_offset", number(status.backlog_first_byte_offset));
    line(out, "repl_backlog_histlen", number(status.backlog_histlen));
}

std::string cpu_seconds(const timeval& time) {
    char text[32];
    std::snprintf(text, sizeof text, "%ld.%06ld", static_cast<long>(time.tv_sec),
                  static_cast<long>(time.tv_usec));
    return text;
}

void cpu_section(Context&, std::string& out) {
    rusage self{};
    rusage children{};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    line(out, "used_cpu_sys", cpu_seconds(self.ru_stime));
    line(out, "used_cpu_user", cpu_seconds(self.ru_utime));
    line(out, "used_cpu_sys_children", cpu_seconds(children.ru_stime));
    line(out, "used_cpu_user_children", cpu_seconds(children.ru_utime));
}

void cluster_section(Context&, std::string& out) {
    line(out, "cluster_enabled", 0);
}

void keyspace_section(Context& ctx, std::string& out) {
    const long long keys = static_cast<long long>(ctx.db.keyspace().size());
    if (keys == 0) return;
    // Redis estimates avg_ttl from expiry samples; we have the exact mean, in milliseconds.
    const long long now = ctx.now().time_since_epoch().count();
    long long expires = 0;
    long long total_ttl = 0;
    ctx.db.keyspace().for_each([&](std::string_view, const store::EntryView& entry) {
        if (!entry.deadline) return;
        ++expires;
        total_ttl += std::max(entry.deadline->time_since_epoch().count() - now, 0LL);
    });
    const long long average = expires == 0 ? 0 : total_ttl / expires;
    line(out, "db0",
         "keys=" + std::to_string(keys) + ",expires=" + std::to_string(expires) +
             ",avg_ttl=" + std::to_string(average));
}

struct Section {
    std::string_view name;
    std::string_view title;
    void (*write)(Context&, std::string&);
};

// In Redis's order; every one is in "default", "all" and "everything".
constexpr std::array<Section, 9> sections{{
    {"server", "Server", server_section},
    {"clients", "Clients", clients_section},
    {"memory", "Memory", memory_section},
    {"persistence", "Persistence", persistence_section},
    {"stats", "Stats", stats_section},
    {"replication", "Replication", replication_section},
    {"cpu", "CPU", cpu_section},
    {"cluster", "Cluster", cluster_section},
    {"keyspace", "Keyspace", keyspace_section},
}};

/* INFO [section [section ...]] */
void info_command(Context& ctx) {
    bool everything = ctx.argv.size() == 1;
    std::vector<std::string_view> wanted;
    for (std::size_t i = 1; i < ctx.argv.size(); ++i) {
        const std::string_view word = ctx.argv[i];
        if (equals_ignoring_case(word, "default") || equals_ignoring_case(word, "all") ||
            equals_ignoring_case(word, "everything")) {
            everything = true;
        }
        wanted.push_back(word);
    }
    std::string text;
    for (const Section& section : sections) {
        const bool asked = everything || std::any_of(wanted.begin(), wanted.end(), [&](auto w) {
                               return equals_ignoring_case(w, section.name);
                           });
        if (!asked) continue;
        if (!text.empty()) text += "\r\n";  // a blank line between sections, as Redis
        text.append("# ").append(section.title).append("\r\n");
        section.write(ctx, text);
    }
    ctx.reply.verbatim("txt", text);  // RESP2: a bulk string of the text
}

}  // namespace

void register_info_command(CommandTable& table) {
    table.add(Command{.name = "info",
                      .arity = -1,
                      .flags = Flag::loading | Flag::stale,
                      .keys = {},
                      .group = Group::server,
                      .syntax = "INFO [section [section ...]]",
                      .summary = "Get information and statistics about the server",
                      .since = "1.0.0",
                      .handler = info_command,
                      .subcommands = {},
                      .container = {}});
}

}  // namespace cmd
