#include "fuzz/netlink_mutator.h"

#include <algorithm>
#include <cstring>

namespace fnat::fuzz {

namespace {

// The first byte a mutation may touch: the genl header sometimes, mostly
// the attributes.
std::size_t first_offset(Rng& rng) {
    return rng.chance(150) ? kNlmsgHdrLen : kNlmsgHdrLen + kGenlHdrLen;
}

} // namespace

std::string mutate(Rng& rng, Bytes& message) {
    std::string done = "mutated:";
    const unsigned count = 1 + static_cast<unsigned>(rng.below(4));
    for (unsigned n = 0; n < count; ++n) {
        const std::size_t from = first_offset(rng);
        const std::size_t span = message.size() > from ? message.size() - from : 0;
        const std::size_t at = span != 0 ? from + rng.index(span) : message.size();
        switch (rng.below(6)) {
        case 0: // bit flip
            if (span != 0) {
                const unsigned bit = static_cast<unsigned>(rng.below(8));
                message[at] = static_cast<std::uint8_t>(message[at] ^ (1U << bit));
                done += " flip@" + std::to_string(at) + "." + std::to_string(bit);
            }
            break;
        case 1: { // interesting byte
            static const std::uint8_t values[] = {0,    1,    2,    3,    4,    5,    8,
                                                  0x10, 0x14, 0x40, 0x7f, 0x80, 0xfe, 0xff};
            if (span != 0) {
                message[at] = values[rng.index(sizeof(values))];
                done += " byte@" + std::to_string(at) + "=" + std::to_string(message[at]);
            }
            break;
        }
        case 2: { // interesting 16-bit value: lengths and types
            if (span >= 2) {
                const std::size_t pos = from + (rng.index(span - 1) & ~std::size_t{1});
                static const std::uint16_t values[] = {0,  1,  3,      4,      5,      6,     8,
                                                       12, 20, 0x7fff, 0x8000, 0x8001, 0xffff};
                std::uint16_t v = values[rng.index(sizeof(values) / sizeof(values[0]))];
                if (rng.chance(300))
                    v = static_cast<std::uint16_t>(message.size() - pos + rng.below(9) - 4);
                std::memcpy(&message[pos], &v, sizeof(v));
                done += " u16@" + std::to_string(pos) + "=" + std::to_string(v);
            }
            break;
        }
        case 3: { // insert
            const std::size_t n_bytes = 1 + rng.index(8);
            Bytes extra(n_bytes);
            for (auto& b : extra)
                b = rng.chance(500) ? 0 : rng.byte();
            message.insert(message.begin() + static_cast<long>(at), extra.begin(), extra.end());
            done += " insert@" + std::to_string(at) + "+" + std::to_string(n_bytes);
            break;
        }
        case 4: // delete
            if (span != 0) {
                const std::size_t n_bytes = std::min(span - (at - from), 1 + rng.index(8));
                message.erase(message.begin() + static_cast<long>(at),
                              message.begin() + static_cast<long>(at + n_bytes));
                done += " delete@" + std::to_string(at) + "-" + std::to_string(n_bytes);
            }
            break;
        default: // repeat a chunk
            if (span != 0) {
                const std::size_t n_bytes = std::min(span - (at - from), 4 + rng.index(16));
                Bytes chunk(message.begin() + static_cast<long>(at),
                            message.begin() + static_cast<long>(at + n_bytes));
                message.insert(message.begin() + static_cast<long>(at + n_bytes), chunk.begin(),
                               chunk.end());
                done += " repeat@" + std::to_string(at) + "x" + std::to_string(n_bytes);
            }
            break;
        }
    }
    put_u32(message.data(), static_cast<std::uint32_t>(message.size()));
    return done;
}

} // namespace fnat::fuzz
