// The fnat-traffic wire format: the header a client sends before its payload
// and the header a server answers with before the echo. Both protocols use
// it: over TCP the headers start the byte stream, over UDP each datagram is
// one header followed by its payload.
//
// Request, 24 bytes, integers big-endian:
//   "FNTQ"  version(1)=1  mode(1)  reserved(2)=0  length(4)  key(8)  id(4)
// Response, 24 bytes, then NAME and PEER (printable ASCII, no spaces):
//   "FNTA"  version(1)=1  mode(1)  name_len(1)  peer_len(1)  length(4)  key(8)  id(4)
//
// mode 1 (echo): `length` payload bytes follow and are echoed back. mode 2
// (stream, TCP only): the payload runs until the client shuts its side down;
// the server verifies it against the payload generator with `key` and echoes
// it. The response repeats mode, length, key and id, so that a client can
// tell its answer from a stale one; PEER is the client address and port as
// the server saw them ("10.99.0.1:40000", "[2001:db8::1]:40000").
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fnat::traffic {

// Bytes that are not a valid header.
class WireError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class Mode : std::uint8_t {
    Echo = 1,
    Stream = 2,
};

inline constexpr std::size_t kRequestSize = 24;
inline constexpr std::size_t kResponseFixedSize = 24;
inline constexpr std::size_t kMaxNameLength = 64;
inline constexpr std::size_t kMaxPeerLength = 64;
inline constexpr std::size_t kMaxResponseHeaderSize =
    kResponseFixedSize + kMaxNameLength + kMaxPeerLength;

struct Request {
    Mode mode = Mode::Echo;
    std::uint32_t length = 0; // payload bytes; 0 in stream mode
    std::uint64_t key = 0;    // payload key (payload.h)
    std::uint32_t id = 0;     // exchange index

    bool operator==(const Request&) const = default;
};

struct Response {
    Mode mode = Mode::Echo;
    std::uint32_t length = 0;
    std::uint64_t key = 0;
    std::uint32_t id = 0;
    std::string name; // the server's --name
    std::string peer; // the client's address:port as the server saw it

    // Bytes of the encoded header: the fixed part, name and peer.
    std::size_t header_size() const { return kResponseFixedSize + name.size() + peer.size(); }
    bool operator==(const Response&) const = default;
};

// A server name or peer text is 1..64 printable ASCII characters, no spaces.
bool valid_label(std::string_view text);

std::array<std::uint8_t, kRequestSize> encode_request(const Request& request);

// Decodes the first kRequestSize bytes; throws WireError when they are
// missing or are not a request.
Request decode_request(std::span<const std::uint8_t> bytes);

// Throws WireError when name or peer are not valid labels.
std::vector<std::uint8_t> encode_response(const Response& response);

// The full header size announced by a response's fixed part: 0 while fewer
// than kResponseFixedSize bytes are there; throws WireError when the fixed
// part is not a response.
std::size_t response_header_size(std::span<const std::uint8_t> bytes);

// Decodes the response header at the start of bytes (which may go on with
// payload); throws WireError when it is incomplete or invalid.
Response decode_response(std::span<const std::uint8_t> bytes);

// Collects a response header from the start of a TCP byte stream, whatever
// the pieces it arrives in.
class ResponseAssembler {
public:
    // Takes the header bytes it still needs from data and returns how many it
    // took (the rest is payload). Throws WireError on an invalid header.
    std::size_t feed(std::span<const std::uint8_t> data);

    bool complete() const { return response_.has_value(); }
    // Only when complete().
    const Response& response() const { return *response_; }

private:
    std::vector<std::uint8_t> bytes_;
    std::optional<Response> response_;
};

} // namespace fnat::traffic
