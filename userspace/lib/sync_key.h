// --sync-key FILE: the key the sync daemons of a cluster share, read from a
// file, or from standard input when FILE is "-", so that it never shows on
// a command line (ps, shell history). With it every sync message carries an
// HMAC-SHA256 under the key (include/uapi/fnat.h, FNAT_DAEMON_A_KEY).
//
// The key is the file's bytes, any bytes, with at most one trailing newline
// removed (so `echo SECRET > key` and `printf SECRET > key` give the same
// key); it must then be FNAT_SYNC_KEY_MIN..FNAT_SYNC_KEY_MAX bytes long.
// Only that much is read: /dev/urandom is refused as too long, not read
// forever.
#pragma once

#include <istream>
#include <string>

#include "lib/options.h"

namespace fnat {

// The key in file ("-": standard_input). Throws UsageError naming the file
// and strerror when it cannot be read, and the limits when the key is too
// short or too long.
std::string read_sync_key(const std::string& file, std::istream& standard_input);

// When the command has --sync-key, reads the key into command.daemon.key
// (read_sync_key()); otherwise does nothing.
void load_sync_key(Command& command, std::istream& standard_input);

} // namespace fnat
