#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include "lib/tunables.h"

namespace {

// A fake /sys with fnat's two directories.
class TunablesTest : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = std::filesystem::temp_directory_path() /
                ("fnat-tunables-" + std::to_string(::getpid()));
        std::filesystem::remove_all(root_);
        std::filesystem::create_directories(root_ / "kernel" / "fnat");
        std::filesystem::create_directories(root_ / "module" / "fnat" / "parameters");
    }
    void TearDown() override { std::filesystem::remove_all(root_); }

    void write(const std::filesystem::path& rel, const std::string& text) {
        std::ofstream(root_ / rel) << text;
    }

    std::filesystem::path root_;
};

TEST_F(TunablesTest, ListsBothDirectoriesSortedAndAligned) {
    write("kernel/fnat/toa", "1\n");
    write("kernel/fnat/lport_range", "1025 65535\n");
    write("kernel/fnat/sync_threshold", "3 50\n");
    write("module/fnat/parameters/conn_tab_bits", "0\n");
    write("module/fnat/parameters/conn_max", "0\n");
    std::filesystem::create_directories(root_ / "kernel" / "fnat" / "subdir");

    EXPECT_EQ(fnat::format_tunables(fnat::read_tunables(root_)),
              "global, at run time: echo VALUE > /sys/kernel/fnat/NAME\n"
              "  lport_range     1025 65535\n"
              "  sync_threshold  3 50\n"
              "  toa             1\n"
              "at load time: modprobe fnat NAME=VALUE (/sys/module/fnat/parameters/NAME)\n"
              "  conn_max       0\n"
              "  conn_tab_bits  0\n"
              "per network namespace, with fnatadm: timeouts (--set, -L --timeout), "
              "sync daemons (--start-daemon, -L --daemon)\n");
}

TEST_F(TunablesTest, EmptyAttributeIsEmptyValue) {
    write("kernel/fnat/empty", "");
    auto t = fnat::read_tunables(root_);
    ASSERT_EQ(t.runtime.size(), 1U);
    EXPECT_EQ(t.runtime[0].name, "empty");
    EXPECT_EQ(t.runtime[0].value, "");
    EXPECT_TRUE(t.load_time.empty());
}

TEST_F(TunablesTest, MissingModuleIsAnError) {
    std::filesystem::remove_all(root_ / "kernel" / "fnat");
    try {
        fnat::read_tunables(root_);
        FAIL() << "no error";
    } catch (const fnat::TunablesUnavailable& error) {
        EXPECT_EQ(std::string(error.what()),
                  "FNAT module not loaded (no " + (root_ / "kernel" / "fnat").string() + ")");
    }
}

} // namespace
