// Black-box tests of the lab4_persist program: save in one process, load in another, for the
// snapshot and the append-only file, and a clear refusal of a damaged file. Introduced in lab 4.
#include <gtest/gtest.h>

#include <string>

#include "support/process.hpp"
#include "temp_dir.hpp"

namespace {

using lab4_test::read_bytes;
using lab4_test::write_bytes;

support::RunResult lab4(const std::vector<std::string>& arguments) {
    return support::run_program(support::program_path("lab4_persist"), arguments);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(Lab4Program, SnapshotSurvivesARestart) {
    lab4_test::TempDir dir;
    const auto saved = lab4({"save", "--dir", dir.path()});
    ASSERT_EQ(saved.exit_code, 0) << saved.err;
    EXPECT_TRUE(contains(saved.out, "saved 1000 keys to " + (dir / "dump.json").string()))
        << saved.out;

    const auto loaded = lab4({"load", "--dir", dir.path()});
    ASSERT_EQ(loaded.exit_code, 0) << loaded.out << loaded.err;
    EXPECT_TRUE(contains(loaded.out, "loaded 1000 keys")) << loaded.out;
    EXPECT_TRUE(contains(
        loaded.out, "verified 1000 keys: 0 wrong or missing, 0 unexpected, 180 with a deadline"))
        << loaded.out;
}

TEST(Lab4Program, AppendOnlyFileSurvivesARestartWithEachPolicy) {
    for (const std::string policy : {"always", "everysec", "no"}) {
        lab4_test::TempDir dir;
        const auto saved = lab4({"save", "--dir", dir.path(), "--format", "aof", "--keys", "200",
                                 "--appendfsync", policy});
        ASSERT_EQ(saved.exit_code, 0) << saved.err;
        EXPECT_TRUE(contains(saved.out, "(appendfsync " + policy + ")")) << saved.out;

        const auto loaded = lab4({"load", "--dir", dir.path(), "--format", "aof", "--keys", "200"});
        ASSERT_EQ(loaded.exit_code, 0) << loaded.out << loaded.err;
        EXPECT_TRUE(contains(loaded.out, "verified 200 keys: 0 wrong or missing, 0 unexpected"))
            << loaded.out;
    }
}

TEST(Lab4Program, RewriteShrinksTheAppendOnlyFileAndKeepsTheData) {
    lab4_test::TempDir dir;
    ASSERT_EQ(lab4({"save", "--dir", dir.path(), "--format", "aof"}).exit_code, 0);
    const auto size_before = read_bytes(dir / "appendonly.aof").size();
    const auto rewritten = lab4({"rewrite", "--dir", dir.path()});
    ASSERT_EQ(rewritten.exit_code, 0) << rewritten.out << rewritten.err;
    EXPECT_LT(read_bytes(dir / "appendonly.aof").size(), size_before);
    EXPECT_TRUE(contains(rewritten.out, "-> 1000 commands")) << rewritten.out;
    EXPECT_EQ(lab4({"load", "--dir", dir.path(), "--format", "aof"}).exit_code, 0);
}

TEST(Lab4Program, CorruptSnapshotFailsNamingTheFile) {
    lab4_test::TempDir dir;
    ASSERT_EQ(lab4({"save", "--dir", dir.path(), "--keys", "10"}).exit_code, 0);
    const std::string text = read_bytes(dir / "dump.json");
    write_bytes(dir / "dump.json", text.substr(0, text.size() / 2));
    const auto loaded = lab4({"load", "--dir", dir.path(), "--keys", "10"});
    EXPECT_EQ(loaded.exit_code, 1);
    EXPECT_TRUE(
        contains(loaded.err, "error: " + (dir / "dump.json").string() + ": invalid JSON at byte"))
        << loaded.err;
}

TEST(Lab4Program, TornAppendOnlyFileLoadsWithAWarningButCorruptOneFails) {
    lab4_test::TempDir dir;
    ASSERT_EQ(lab4({"save", "--dir", dir.path(), "--format", "aof", "--keys", "10"}).exit_code, 0);
    const auto path = dir / "appendonly.aof";
    const std::string bytes = read_bytes(path);

    // A crash mid-append: the last command (SET expired:9 ...) lost its end. The dataset of
    // --keys 10 is still whole, because that key was meant to vanish anyway.
    write_bytes(path, bytes.substr(0, bytes.size() - 3));
    const auto torn = lab4({"load", "--dir", dir.path(), "--format", "aof", "--keys", "10"});
    EXPECT_EQ(torn.exit_code, 0) << torn.out << torn.err;
    EXPECT_TRUE(contains(torn.err, "warning: " + path.string())) << torn.err;

    std::string corrupt = bytes;
    corrupt[bytes.find("$3\r\nSET", 100) + 1] = '?';
    write_bytes(path, corrupt);
    const auto refused = lab4({"load", "--dir", dir.path(), "--format", "aof", "--keys", "10"});
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_TRUE(contains(refused.err, "error: " + path.string() + ": at byte")) << refused.err;
    EXPECT_EQ(read_bytes(path), corrupt);  // never truncated or rewritten over
}

TEST(Lab4Program, MissingFileLoadsEmptyAndFailsVerification) {
    lab4_test::TempDir dir;
    const auto loaded = lab4({"load", "--dir", dir.path(), "--keys", "5"});
    EXPECT_EQ(loaded.exit_code, 2);
    EXPECT_TRUE(contains(loaded.out, "no snapshot at")) << loaded.out;
}

TEST(Lab4Program, RejectsBadFlags) {
    EXPECT_NE(lab4({"save", "--dir", "/tmp", "--format", "rdb"}).exit_code, 0);
    EXPECT_NE(lab4({"save", "--dir", "/tmp", "--appendfsync", "sometimes"}).exit_code, 0);
    EXPECT_NE(lab4({"load"}).exit_code, 0);
    EXPECT_NE(lab4({}).exit_code, 0);
}

}  // namespace
