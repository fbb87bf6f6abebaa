// Propagation: where a write goes after it changed the data, rewritten to be deterministic, so
// that the append-only file (lab 5) and the replicas (lab 8) replay it to the same result.
// Introduced in lab 5.
#pragma once

#include <span>
#include <string_view>

namespace cmd {

/// Receives every write command that changed the data, in execution order, already rewritten
/// to be deterministic: relative expiries are absolute (`SET k v EX 10` arrives as
/// `SET k v PXAT <ms>`), INCRBYFLOAT arrives as `SET k <result> KEEPTTL`, a key that expired
/// arrives as `DEL k`. Commands that changed nothing never arrive.
///
/// Implemented outside this layer: the append-only file adapter (common/server/, lab 5) and
/// the replication stream (common/repl/, lab 8). Called with the command lock held, on the
/// thread that runs commands; the views are valid during the call only. A sink must not throw
/// for a write it cannot store; it records the failure (Redis's aof_last_write_status) and the
/// server reports it through ServerControl::persistence().
class PropagationSink {
public:
    virtual ~PropagationSink() = default;
    virtual void propagate(std::span<const std::string_view> argv) = 0;
};

}  // namespace cmd
