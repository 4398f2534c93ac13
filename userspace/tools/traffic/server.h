// `fnat-traffic serve`: answers TCP connections (one thread each) and UDP
// datagrams with the server's name, the client address it saw (or, with
// --peer-from toa, the one fnat-toa learnt from TOA) and the echo of the
// payload (wire.h). Stream connections are also verified against the
// payload generator; a wrong byte resets the connection and is reported on
// stderr with its offset.
#pragma once

#include <atomic>
#include <string>

#include "tools/traffic/options.h"

namespace fnat::traffic {

// Serves until options.max_seconds pass or stop turns true, then closes
// every connection (within about 100 ms) and prints
//   stopped NAME: tcp N connections (E errors), udp N datagrams (E errors)
// "listening tcp|udp ADDR:PORT" is printed on stdout for each socket, TCP
// first, once every one listens. options.name must be set. Returns the exit
// status; throws SystemError when a socket cannot be set up.
int run_server(const ServeOptions& options, std::atomic<bool>& stop);

} // namespace fnat::traffic
