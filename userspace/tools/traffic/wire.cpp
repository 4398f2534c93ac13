#include "tools/traffic/wire.h"

#include <algorithm>

namespace fnat::traffic {
namespace {

constexpr std::array<std::uint8_t, 4> kRequestMagic = {'F', 'N', 'T', 'Q'};
constexpr std::array<std::uint8_t, 4> kResponseMagic = {'F', 'N', 'T', 'A'};
constexpr std::uint8_t kVersion = 1;

void put_be(std::uint8_t* out, std::uint64_t value, std::size_t bytes) {
    for (std::size_t i = 0; i < bytes; ++i)
        out[i] = static_cast<std::uint8_t>(value >> (8 * (bytes - 1 - i)));
}

std::uint64_t get_be(const std::uint8_t* in, std::size_t bytes) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i)
        value = (value << 8) | in[i];
    return value;
}

Mode decode_mode(std::uint8_t byte) {
    if (byte != static_cast<std::uint8_t>(Mode::Echo) &&
        byte != static_cast<std::uint8_t>(Mode::Stream))
        throw WireError("unknown mode " + std::to_string(byte));
    return static_cast<Mode>(byte);
}

void check_start(std::span<const std::uint8_t> bytes, const std::array<std::uint8_t, 4>& magic,
                 const char* what) {
    if (!std::equal(magic.begin(), magic.end(), bytes.begin()))
        throw WireError(std::string("not a ") + what + " (bad magic)");
    if (bytes[4] != kVersion)
        throw WireError(std::string(what) + " version " + std::to_string(bytes[4]) +
                        " is not supported");
}

} // namespace

bool valid_label(std::string_view text) {
    return !text.empty() && text.size() <= kMaxNameLength &&
           std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

std::array<std::uint8_t, kRequestSize> encode_request(const Request& request) {
    std::array<std::uint8_t, kRequestSize> out{};
    std::copy(kRequestMagic.begin(), kRequestMagic.end(), out.begin());
    out[4] = kVersion;
    out[5] = static_cast<std::uint8_t>(request.mode);
    put_be(&out[8], request.length, 4);
    put_be(&out[12], request.key, 8);
    put_be(&out[20], request.id, 4);
    return out;
}

Request decode_request(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < kRequestSize)
        throw WireError("request header is " + std::to_string(bytes.size()) + " bytes, not " +
                        std::to_string(kRequestSize));
    check_start(bytes, kRequestMagic, "request");
    Request request;
    request.mode = decode_mode(bytes[5]);
    if (bytes[6] != 0 || bytes[7] != 0)
        throw WireError("request reserved bytes are not zero");
    request.length = static_cast<std::uint32_t>(get_be(&bytes[8], 4));
    request.key = get_be(&bytes[12], 8);
    request.id = static_cast<std::uint32_t>(get_be(&bytes[20], 4));
    if (request.mode == Mode::Stream && request.length != 0)
        throw WireError("stream request with a length");
    return request;
}

std::vector<std::uint8_t> encode_response(const Response& response) {
    if (!valid_label(response.name))
        throw WireError("invalid server name '" + response.name + "'");
    if (!valid_label(response.peer))
        throw WireError("invalid peer '" + response.peer + "'");
    std::vector<std::uint8_t> out(kResponseFixedSize);
    std::copy(kResponseMagic.begin(), kResponseMagic.end(), out.begin());
    out[4] = kVersion;
    out[5] = static_cast<std::uint8_t>(response.mode);
    out[6] = static_cast<std::uint8_t>(response.name.size());
    out[7] = static_cast<std::uint8_t>(response.peer.size());
    put_be(&out[8], response.length, 4);
    put_be(&out[12], response.key, 8);
    put_be(&out[20], response.id, 4);
    out.insert(out.end(), response.name.begin(), response.name.end());
    out.insert(out.end(), response.peer.begin(), response.peer.end());
    return out;
}

std::size_t response_header_size(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < kResponseFixedSize)
        return 0;
    check_start(bytes, kResponseMagic, "response");
    return kResponseFixedSize + bytes[6] + bytes[7];
}

Response decode_response(std::span<const std::uint8_t> bytes) {
    std::size_t size = response_header_size(bytes);
    if (size == 0 || bytes.size() < size)
        throw WireError("response header is incomplete");
    Response response;
    response.mode = decode_mode(bytes[5]);
    response.length = static_cast<std::uint32_t>(get_be(&bytes[8], 4));
    response.key = get_be(&bytes[12], 8);
    response.id = static_cast<std::uint32_t>(get_be(&bytes[20], 4));
    auto text = [&](std::size_t offset, std::size_t length) {
        return std::string(reinterpret_cast<const char*>(bytes.data() + offset), length);
    };
    response.name = text(kResponseFixedSize, bytes[6]);
    response.peer = text(kResponseFixedSize + bytes[6], bytes[7]);
    if (!valid_label(response.name))
        throw WireError("response carries an invalid server name");
    if (!valid_label(response.peer))
        throw WireError("response carries an invalid peer");
    return response;
}

std::size_t ResponseAssembler::feed(std::span<const std::uint8_t> data) {
    std::size_t taken = 0;
    while (!response_ && taken < data.size()) {
        std::size_t size = response_header_size(bytes_);
        std::size_t want = (size == 0 ? kResponseFixedSize : size) - bytes_.size();
        std::size_t take = std::min(want, data.size() - taken);
        bytes_.insert(bytes_.end(), data.begin() + static_cast<std::ptrdiff_t>(taken),
                      data.begin() + static_cast<std::ptrdiff_t>(taken + take));
        taken += take;
        size = response_header_size(bytes_);
        if (size != 0 && bytes_.size() == size)
            response_ = decode_response(bytes_);
    }
    return taken;
}

} // namespace fnat::traffic
