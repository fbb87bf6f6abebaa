// The command families: one register function per family, each defined in its own file, and
// the table of lab 5 that puts them together. Introduced in lab 5; lab 6 adds its families.
#pragma once

#include "cmd/command.hpp"

namespace cmd {

/// PING, ECHO, QUIT, SELECT, AUTH, HELLO (connection_family.cpp)
void register_connection_family(CommandTable& table);
/// CLIENT ID, SETNAME, GETNAME, INFO, LIST, KILL, HELP (client_command.cpp)
void register_client_command(CommandTable& table);
/// SET, GET, GETDEL, GETEX, SETNX, SETEX, PSETEX, MGET, MSET, MSETNX (string_family.cpp)
void register_string_family(CommandTable& table);
/// APPEND, STRLEN, GETRANGE, SETRANGE (string_range_family.cpp)
void register_string_range_family(CommandTable& table);
/// INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT (counter_family.cpp)
void register_counter_family(CommandTable& table);
/// DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN, RENAME, RENAMENX, RANDOMKEY, DBSIZE, FLUSHALL,
/// FLUSHDB (keys_family.cpp)
void register_keys_family(CommandTable& table);
/// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST
/// (expire_family.cpp)
void register_expire_family(CommandTable& table);
/// SAVE, BGSAVE, LASTSAVE, SHUTDOWN (server_family.cpp)
void register_server_family(CommandTable& table);
/// INFO [section ...] (info.cpp)
void register_info_command(CommandTable& table);
/// CONFIG GET, SET, RESETSTAT, HELP (config_command.cpp)
void register_config_command(CommandTable& table);
/// COMMAND, COMMAND COUNT, DOCS, INFO, LIST, HELP (command_family.cpp)
void register_command_family(CommandTable& table);
/// SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SPOP, SRANDMEMBER, SMOVE, SINTER,
/// SINTERSTORE, SINTERCARD, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE, SSCAN (set_family.cpp, lab 6)
void register_set_family(CommandTable& table);

/// Every command of lab 5: the families above, registered in one table.
[[nodiscard]] CommandTable lab5_commands();

/// Lab 6: LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LLEN, LRANGE, LINDEX, LSET, LINSERT, LREM,
/// LTRIM, LPOS, LMOVE, RPOPLPUSH (list_family.cpp)
void register_list_family(CommandTable& table);

/// Every command of lab 6: lab 5's, plus the list and set families.
[[nodiscard]] CommandTable lab6_commands();

/// Lab 8: REPLICAOF, SLAVEOF, ROLE, WAIT, REPLCONF, PSYNC, SYNC (replication_family.cpp)
void register_replication_family(CommandTable& table);

/// Every command of lab 8: lab 6's, plus the replication family.
[[nodiscard]] CommandTable lab8_commands();

}  // namespace cmd
