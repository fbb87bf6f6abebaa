// Unit tests of AtomicFile and read_file: an interrupted save, whatever stops it, leaves the
// previous file as it was and no temp file behind. Introduced in lab 4.
#include "persist/file_io.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "temp_dir.hpp"

namespace {

using lab4_test::read_bytes;
using lab4_test::write_bytes;

TEST(ReadFile, MissingFileIsNothingNotAnError) {
    lab4_test::TempDir dir;
    EXPECT_FALSE(persist::read_file(dir / "absent"));
}

TEST(ReadFile, OtherFailuresThrowNamingTheFile) {
    lab4_test::TempDir dir;
    try {
        (void)persist::read_file(dir.path());  // a directory
        FAIL() << "expected PersistError";
    } catch (const persist::PersistError& error) {
        EXPECT_NE(std::string{error.what()}.find(dir.path().string()), std::string::npos);
        EXPECT_NE(std::string{error.what()}.find("Is a directory"), std::string::npos);
    }
}

TEST(AtomicFile, CommitReplacesTheTargetAndRemovesNothingElse) {
    lab4_test::TempDir dir;
    write_bytes(dir / "data", "old");
    {
        persist::AtomicFile file{dir / "data"};
        file.write("new ");
        file.write(std::string(200'000, 'x'));  // larger than the buffer: written through
        file.write("end");
        EXPECT_EQ(read_bytes(dir / "data"), "old");  // nothing visible before commit
        EXPECT_EQ(file.size(), 200'007u);
        file.commit();
    }
    EXPECT_EQ(read_bytes(dir / "data"), "new " + std::string(200'000, 'x') + "end");
    EXPECT_EQ(dir.entry_count(), 1u);  // the temp file became the target
}

TEST(AtomicFile, AbandonedWithoutCommitLeavesTheTargetAndNoTempFile) {
    lab4_test::TempDir dir;
    write_bytes(dir / "data", "old");
    {
        persist::AtomicFile file{dir / "data"};
        file.write("half of it");
        EXPECT_TRUE(std::filesystem::exists(file.temp_path()));
    }
    EXPECT_EQ(read_bytes(dir / "data"), "old");
    EXPECT_EQ(dir.entry_count(), 1u);
}

TEST(AtomicFile, WriteFailingHalfwayLeavesTheOldFile) {
    lab4_test::TempDir dir;
    write_bytes(dir / "data", "old");
    try {
        const lab4_test::FileSizeLimit limit{100'000};  // the disk "fills up" at 100 kB
        persist::AtomicFile file{dir / "data"};
        for (int i = 0; i < 10; ++i)
            file.write(std::string(50'000, 'x'));
        file.commit();
        FAIL() << "expected PersistError";
    } catch (const persist::PersistError& error) {
        EXPECT_NE(std::string{error.what()}.find(".tmp."), std::string::npos) << error.what();
        EXPECT_NE(std::string{error.what()}.find("File too large"), std::string::npos)
            << error.what();
    }
    EXPECT_EQ(read_bytes(dir / "data"), "old");
    EXPECT_EQ(dir.entry_count(), 1u);
}

TEST(AtomicFile, TempFileThatCannotBeCreatedThrowsNamingIt) {
    lab4_test::TempDir dir;
    write_bytes(dir / "not-a-directory", "a file");  // so <it>/data cannot be created
    try {
        persist::AtomicFile file{dir / "not-a-directory" / "data"};
        FAIL() << "expected PersistError";
    } catch (const persist::PersistError& error) {
        EXPECT_NE(std::string{error.what()}.find("not-a-directory/data.tmp."), std::string::npos)
            << error.what();
        EXPECT_NE(std::string{error.what()}.find("Not a directory"), std::string::npos);
    }
}

TEST(AtomicFile, FailedRenameLeavesTheTargetAndNoTempFile) {
    lab4_test::TempDir dir;
    std::filesystem::create_directories(dir / "data" / "inside");  // a non-empty directory
    try {
        persist::AtomicFile file{dir / "data"};
        file.write("new");
        file.commit();
        FAIL() << "expected PersistError";
    } catch (const persist::PersistError& error) {
        EXPECT_NE(std::string{error.what()}.find("cannot rename"), std::string::npos);
    }
    EXPECT_TRUE(std::filesystem::is_directory(dir / "data" / "inside"));
    EXPECT_EQ(dir.entry_count(), 1u);
}

}  // namespace
