#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>
#include <uapi/fnat.h>

#include "lib/sync_key.h"

namespace fnat {
namespace {

// A file in a fresh temporary directory, removed with it.
class KeyFile {
public:
    explicit KeyFile(const std::string& contents) {
        char pattern[] = "/tmp/fnat-sync-key-XXXXXX";
        const char* made = ::mkdtemp(pattern);
        if (made == nullptr)
            throw std::runtime_error("mkdtemp failed");
        directory_ = made;
        path_ = directory_ + "/key";
        std::ofstream(path_, std::ios::binary) << contents;
    }
    ~KeyFile() {
        ::unlink(path_.c_str());
        ::rmdir(directory_.c_str());
    }
    KeyFile(const KeyFile&) = delete;
    KeyFile& operator=(const KeyFile&) = delete;

    const std::string& path() const { return path_; }
    const std::string& directory() const { return directory_; }

private:
    std::string directory_;
    std::string path_;
};

const std::string kKey16 = "0123456789abcdef";

std::string read_file_key(const std::string& contents) {
    KeyFile file(contents);
    std::istringstream unused("not this");
    return read_sync_key(file.path(), unused);
}

std::string read_stdin_key(const std::string& contents) {
    std::istringstream in(contents);
    return read_sync_key("-", in);
}

std::string error_of(const std::string& file, const std::string& input = "") {
    std::istringstream in(input);
    try {
        read_sync_key(file, in);
    } catch (const UsageError& error) {
        return error.what();
    }
    return "(accepted)";
}

TEST(SyncKey, ReadsTheFile) {
    EXPECT_EQ(read_file_key(kKey16), kKey16);
}

TEST(SyncKey, OneTrailingNewlineIsNotPartOfTheKey) {
    EXPECT_EQ(read_file_key(kKey16 + "\n"), kKey16);
    // Only one: the second is the key's.
    EXPECT_EQ(read_file_key(kKey16 + "\n\n"), kKey16 + "\n");
    // Nothing else is stripped: blanks and CR are bytes of the key.
    EXPECT_EQ(read_file_key(" " + kKey16 + " \r\n"), " " + kKey16 + " \r");
}

TEST(SyncKey, AnyBytes) {
    const std::string binary("\0\xff\x01\n\x80 secret bytes \0\0", 20);
    EXPECT_EQ(read_file_key(binary), binary);
    EXPECT_EQ(read_stdin_key(binary), binary);
}

TEST(SyncKey, DashReadsStandardInput) {
    EXPECT_EQ(read_stdin_key(kKey16 + "\n"), kKey16);
    const std::string longest(FNAT_SYNC_KEY_MAX, 'k');
    EXPECT_EQ(read_stdin_key(longest), longest);
}

TEST(SyncKey, LengthLimits) {
    EXPECT_EQ(read_file_key(std::string(FNAT_SYNC_KEY_MIN, 'a')).size(), 16U);
    EXPECT_EQ(read_file_key(std::string(FNAT_SYNC_KEY_MAX, 'a') + "\n").size(), 64U);
    KeyFile short_key(std::string(FNAT_SYNC_KEY_MIN - 1, 'a') + "\n");
    EXPECT_EQ(error_of(short_key.path()),
              "illegal sync-key specified (--sync-key '" + short_key.path() +
                  "': the key is 15 bytes long, it must be 16..64 bytes without the final "
                  "newline)");
    KeyFile long_key(std::string(FNAT_SYNC_KEY_MAX + 1, 'a'));
    EXPECT_EQ(error_of(long_key.path()),
              "illegal sync-key specified (--sync-key '" + long_key.path() +
                  "': the key is 65 bytes long, it must be 16..64 bytes without the final "
                  "newline)");
    EXPECT_EQ(error_of("-", std::string(FNAT_SYNC_KEY_MAX, 'a') + "\r"),
              "illegal sync-key specified (--sync-key '-': the key is 65 bytes long, it must be "
              "16..64 bytes without the final newline)");
    EXPECT_EQ(error_of("-", ""), "illegal sync-key specified (--sync-key '-': the key is 0 bytes "
                                 "long, it must be 16..64 bytes without the final newline)");
    EXPECT_EQ(error_of("-", "\n"), "illegal sync-key specified (--sync-key '-': the key is 0 bytes "
                                   "long, it must be 16..64 bytes without the final newline)");
}

TEST(SyncKey, AHugeInputIsNotReadToTheEnd) {
    const std::string huge(1 << 20, 'x');
    const std::string expected = "illegal sync-key specified (--sync-key '-': the key is more "
                                 "than 64 bytes long, it must be 16..64 bytes without the final "
                                 "newline)";
    EXPECT_EQ(error_of("-", huge), expected);
    std::istringstream in(huge);
    EXPECT_THROW(read_sync_key("-", in), UsageError);
    EXPECT_LT(in.tellg(), 100); // the rest is left unread
    // A key and its newline fill the read exactly: still too long.
    EXPECT_EQ(error_of("-", std::string(FNAT_SYNC_KEY_MAX + 1, 'x') + "\n"), expected);
}

TEST(SyncKey, UnreadableFileNamesItAndTheReason) {
    KeyFile file(kKey16);
    const std::string missing = file.directory() + "/absent";
    EXPECT_EQ(error_of(missing),
              "--sync-key: cannot read '" + missing + "': " + std::strerror(ENOENT));
    EXPECT_EQ(error_of(file.directory()),
              "--sync-key: cannot read '" + file.directory() + "': " + std::strerror(EISDIR));
}

TEST(SyncKey, LoadFillsTheDaemonKeyOnlyWithSyncKey) {
    std::istringstream in(kKey16 + "\n");
    Command command = parse_command_line({"--start-daemon", "master", "--mcast-interface", "eth0"});
    load_sync_key(command, in);
    EXPECT_FALSE(command.daemon.key.has_value());
    EXPECT_EQ(in.tellg(), 0); // stdin untouched

    command = parse_command_line(
        {"--start-daemon", "master", "--mcast-interface", "eth0", "--sync-key", "-"});
    EXPECT_FALSE(command.daemon.key.has_value()); // parsing reads nothing
    load_sync_key(command, in);
    EXPECT_EQ(command.daemon.key, kKey16);
}

TEST(SyncKey, LoadFromAFile) {
    KeyFile file(kKey16 + "\n");
    std::istringstream in;
    Command command = parse_command_line(
        {"--start-daemon", "backup", "--mcast-interface", "eth1", "--sync-key", file.path()});
    EXPECT_EQ(command.sync_key_file, file.path());
    load_sync_key(command, in);
    EXPECT_EQ(command.daemon.key, kKey16);
}

} // namespace
} // namespace fnat
