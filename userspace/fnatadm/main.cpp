// fnatadm: configure fnat.ko from the command line, the ipvsadm way.
//
// Exit codes: 0 success, 1 the kernel refused or could not be reached,
// 2 the command line is wrong. Errors are printed alone on stderr, without a
// program-name prefix, as ipvsadm prints them; -R's errors name the input
// line instead ("fnatadm: line 3: ...").
#include <cstring>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "lib/command_runner.h"
#include "lib/error_messages.h"
#include "lib/netlink_client.h"
#include "lib/netlink_error.h"
#include "lib/options.h"
#include "lib/restore.h"
#include "lib/sync_key.h"
#include "lib/tunables.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitKernelError = 1;
constexpr int kExitUsage = 2;

int print_version() {
    std::optional<fnat::Info> info;
    std::string reason;
    try {
        fnat::NetlinkClient client;
        info = client.get_info();
    } catch (const fnat::FamilyNotFound&) {
        reason = "FNAT module not loaded";
    } catch (const fnat::NetlinkError& error) {
        reason = "FNAT version unknown: " + fnat::error_message(error);
    } catch (const fnat::DecodeError& error) {
        reason = std::string("FNAT version unknown: ") + error.what();
    }
    std::cout << fnat::version_text(info, reason);
    return kExitOk;
}

int finish_output() {
    std::cout.flush();
    if (!std::cout) {
        std::cerr << "Write error on standard output\n";
        return kExitKernelError;
    }
    return kExitOk;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    fnat::Command command;
    try {
        command = fnat::parse_command_line(args);
        fnat::load_sync_key(command, std::cin); // before the kernel is contacted
    } catch (const fnat::UsageError& error) {
        std::cerr << error.what() << '\n';
        return kExitUsage;
    }

    if (command.kind == fnat::CommandKind::Help) {
        std::cout << fnat::usage_text();
        return finish_output();
    }
    if (command.kind == fnat::CommandKind::Version) {
        print_version();
        return finish_output();
    }
    if (command.kind == fnat::CommandKind::ShowTunables) {
        try {
            std::cout << fnat::format_tunables(fnat::read_tunables("/sys"));
        } catch (const fnat::TunablesUnavailable& error) {
            std::cerr << error.what() << '\n';
            return kExitKernelError;
        }
        return finish_output();
    }

    // -R reads and parses all its input before the kernel is contacted.
    std::vector<fnat::RestoreLine> restore_lines;
    if (command.kind == fnat::CommandKind::Restore) {
        try {
            restore_lines = fnat::parse_restore_input(std::cin);
        } catch (const fnat::RestoreError& error) {
            std::cerr << "fnatadm: " << error.what() << '\n';
            return kExitUsage;
        }
    }

    try {
        fnat::NetlinkClient client;
        if (command.kind == fnat::CommandKind::Restore)
            fnat::apply_restore(restore_lines, client);
        else
            fnat::run_command(command, client, std::cout);
    } catch (const fnat::RestoreFailed& error) {
        std::cerr << "fnatadm: " << error.what() << '\n';
        if (!error.rollback_error().empty())
            std::cerr << "fnatadm: rolling back failed too: " << error.rollback_error()
                      << "; the table is not as it was before the restore\n";
        return kExitKernelError;
    } catch (const fnat::FamilyNotFound&) {
        std::cerr << fnat::module_not_loaded_message() << '\n';
        return kExitKernelError;
    } catch (const fnat::NetlinkError& error) {
        if (error.command() == 0 && error.extack().empty())
            std::cerr << "Can't initialize fnat: " << std::strerror(error.error()) << '\n';
        else
            std::cerr << fnat::error_message(error) << '\n';
        return kExitKernelError;
    } catch (const fnat::DecodeError& error) {
        std::cerr << "Malformed reply from the fnat module: " << error.what() << '\n';
        return kExitKernelError;
    } catch (const std::exception& error) {
        std::cerr << error.what() << '\n';
        return kExitKernelError;
    }
    return finish_output();
}
