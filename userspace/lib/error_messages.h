// The text fnatadm prints for a failed request, as ipvsadm would print it.
#pragma once

#include <cstdint>
#include <string>

#include "lib/netlink_error.h"

namespace fnat {

// The kernel's extack message when there is one; otherwise ipvsadm's text
// for the (command, errno) pair ("Service not defined", "No such
// destination", ...); otherwise a generic text for the errno.
std::string error_message(const NetlinkError& error);

// ipvsadm's text for an errno returned by an FNAT command, without extack.
std::string error_message(std::uint8_t command, int error);

// The two lines printed when the module is not loaded.
std::string module_not_loaded_message();

} // namespace fnat
